/**
 * @module services/reading/feeds
 * Atom feeds of published comments: a thread's newest 50, and a site's newest 50 across its
 * threads. Only `published` comments, never a held, spam or deleted one; authors by name
 * only. Each feed has a version (the thread's last event id, or the site's) for its ETag, so
 * a feed reader that polls gets `304` until something changed.
 */
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import {
  findCommentsByIds,
  findNewestInSite,
  findNewestInThread,
  findSiteVersion,
} from '../../store/feeds.js';
import type { CommentRow, ThreadRow } from '../../store/schema.js';
import { findThreadByKey } from '../../store/threads.js';
import { checkThreadKey } from '../common/input-rules.js';
import { invalid } from '../../errors.js';
import { loadAuthors } from '../comments/authors.js';
import { getSite, type Site } from '../sites/sites.js';
import { atomDocument, type AtomEntry } from './atom.js';

export const FEED_ENTRIES = 50;

export interface Feed {
  /** Sent as a weak ETag: the document changes exactly when this does. */
  version: string;
  /** Builds the document (skipped on a `304`). */
  render(): Promise<string>;
}

const entryId = (id: string) => `urn:uuid:${id}`;

function pageOf(site: Site, thread: ThreadRow): string {
  return thread.url ?? new URL(thread.key, site.origins[0] ?? 'http://localhost').href;
}

function anchor(page: string, id: string): string {
  const url = new URL(page);
  url.hash = `comment-${id}`;
  return url.href;
}

async function entries(
  deps: Deps,
  site: Site,
  items: { comment: CommentRow; thread: ThreadRow }[],
): Promise<AtomEntry[]> {
  const rows = items.map((i) => i.comment);
  const authors = await loadAuthors(deps.db, site.id, rows);
  const parentIds = [
    ...new Set(rows.map((r) => r.parent_id).filter((p): p is string => p !== null)),
  ];
  const parents = new Map((await findCommentsByIds(deps.db, parentIds)).map((p) => [p.id, p]));
  return items.map(({ comment, thread }) => {
    const name =
      (comment.user_id === null ? undefined : authors.get(comment.user_id)?.name) ??
      comment.author_name ??
      'Anonymous';
    const page = pageOf(site, thread);
    const parent = comment.parent_id === null ? undefined : parents.get(comment.parent_id);
    return {
      id: entryId(comment.id),
      title: `${name} on “${thread.title ?? thread.key}”`,
      authorName: name,
      published: comment.created_at,
      updated: comment.edited_at ?? comment.created_at,
      link: anchor(page, comment.id),
      html: comment.body_html,
      inReplyTo:
        parent === undefined
          ? undefined
          : { ref: entryId(parent.id), href: anchor(page, parent.id) },
    };
  });
}

/** A thread's feed; 404 for a site or thread that does not exist. */
export async function threadFeed(
  deps: Deps,
  siteId: string,
  rawKey: string | undefined,
): Promise<Feed> {
  const site = await getSite(deps, siteId);
  const key = checkThreadKey(rawKey ?? '');
  if (!key.ok) throw invalid([key.error]);
  const thread = await findThreadByKey(deps.db, site.id, key.value);
  if (thread === undefined) {
    throw new AppError(404, 'not_found', { detail: 'This page has no comments yet.' });
  }
  const self = `${deps.config.publicUrl}/feeds/${site.id}/thread.atom?thread=${encodeURIComponent(thread.key)}`;
  return {
    version: `${site.id}:${thread.id}:${String(thread.version)}`,
    render: async () => {
      const rows = await findNewestInThread(deps.db, thread.id, FEED_ENTRIES);
      const list = await entries(
        deps,
        site,
        rows.map((comment) => ({ comment, thread })),
      );
      return atomDocument({
        id: `urn:uuid:${thread.id}`,
        title: `Comments on “${thread.title ?? thread.key}”`,
        updated: list[0]?.updated ?? thread.created_at,
        self,
        alternate: pageOf(site, thread),
        entries: list,
      });
    },
  };
}

/** A site's feed; 404 for a site that does not exist. */
export async function siteFeed(deps: Deps, siteId: string): Promise<Feed> {
  const site = await getSite(deps, siteId);
  const version = await findSiteVersion(deps.db, site.id);
  return {
    version: `${site.id}:${String(version)}`,
    render: async () => {
      const list = await entries(
        deps,
        site,
        await findNewestInSite(deps.db, site.id, FEED_ENTRIES),
      );
      return atomDocument({
        id: `${deps.config.publicUrl}/feeds/${site.id}/comments.atom`,
        title: `Comments on ${site.name}`,
        updated: list[0]?.updated ?? new Date(0).toISOString(),
        self: `${deps.config.publicUrl}/feeds/${site.id}/comments.atom`,
        alternate: site.origins[0] ?? deps.config.publicUrl,
        entries: list,
      });
    },
  };
}
