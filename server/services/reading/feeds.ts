/**
 * @module services/reading/feeds
 * Atom feeds of published comments: a thread's newest 50, and a site's newest 50 across its
 * threads. Only `published` comments, never a held, spam or deleted one (nor a deleted
 * comment's placeholder); authors by name only, as the public API shows them. Each feed has
 * a version (the thread's last event id, or the site's newest event id) for its ETag, found
 * before the comments are read, so a feed reader that polls gets `304` for one small query.
 */
import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { AppError, invalid } from '../../errors.js';
import { findFeedComments, findSiteFeedState, type FeedCommentRow } from '../../store/feeds.js';
import { findThreadByKey } from '../../store/threads.js';
import { checkThreadKey } from '../common/input-rules.js';
import { getSite, type Site } from '../sites/sites.js';
import { atomDocument, type AtomEntry } from './atom.js';

export const FEED_ENTRIES = 50;

export interface Feed {
  /** An opaque tag that changes whenever the document may have changed (the ETag). */
  tag: string;
  /** Builds the document (skipped on a `304`). */
  render(): Promise<string>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A comment's or thread's entry id: `urn:uuid:` for the random UUIDs Confab makes. An id
 * kept from an imported export may be anything, so it gets a tag URI (RFC 4151) instead.
 */
function atomId(deps: Deps, kind: 'comment' | 'thread', id: string): string {
  if (UUID.test(id)) return `urn:uuid:${id.toLowerCase()}`;
  const host = new URL(deps.config.publicUrl).hostname || 'localhost';
  return `tag:${host},2026:${kind}:${encodeURIComponent(id)}`;
}

/** A stored time as RFC 3339 (imports keep what a file said); `fallback` when unreadable. */
function atomDate(value: string | null, fallback: string): string {
  const ms = value === null ? NaN : Date.parse(value);
  return Number.isNaN(ms) ? fallback : new Date(ms).toISOString();
}

/** The page a thread is on: its URL, or the site's first origin plus the thread key. */
function pageOf(deps: Deps, site: Site, key: string, url: string | null): string {
  const origin = site.origins[0] ?? deps.config.publicUrl;
  try {
    return new URL(url ?? key, origin).href;
  } catch {
    return new URL(key, origin).href;
  }
}

/** The widget's permalink anchor. */
function permalink(page: string, commentId: string): string {
  const url = new URL(page);
  url.hash = `comment-${commentId}`;
  return url.href;
}

function toEntry(deps: Deps, site: Site, row: FeedCommentRow): AtomEntry {
  // As services/comments/view.ts shows it: the account's name, else the name given.
  const name = row.user_name ?? row.author_name ?? 'Anonymous';
  const page = pageOf(deps, site, row.thread_key, row.thread_url);
  const published = atomDate(row.created_at, new Date(0).toISOString());
  return {
    id: atomId(deps, 'comment', row.id),
    title: `${name} on “${row.thread_title ?? row.thread_key}”`,
    authorName: name,
    published,
    updated: atomDate(row.edited_at, published),
    link: permalink(page, row.id),
    html: row.body_html,
    inReplyTo:
      row.parent_id === null
        ? undefined
        : { ref: atomId(deps, 'comment', row.parent_id), href: permalink(page, row.parent_id) },
  };
}

/** The newest `updated` of the entries, or `empty` for a feed without any. */
function newest(entries: readonly AtomEntry[], empty: string): string {
  return entries.reduce(
    (max, e) => (e.updated > max ? e.updated : max),
    entries[0]?.updated ?? empty,
  );
}

/**
 * The ETag: the version, and what the document is built from besides the comments (the
 * server's public URL, the site's name and first origin). A reader's renamed account shows
 * at the feed's next change: renames write no event.
 */
function tagOf(deps: Deps, site: Site, ...parts: (string | number)[]): string {
  const hash = createHash('sha256');
  for (const part of [deps.config.publicUrl, site.id, site.name, site.origins[0] ?? '', ...parts]) {
    hash.update(`${String(part)}\0`);
  }
  return hash.digest('base64url').slice(0, 27);
}

/** A thread's feed: 404 for an unknown site or a thread nobody has commented on. */
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
  const query = new URLSearchParams({ thread: thread.key });
  const self = `${deps.config.publicUrl}/feeds/${encodeURIComponent(site.id)}/thread.atom?${query.toString()}`;
  return {
    tag: tagOf(deps, site, 'thread', thread.id, thread.version),
    render: async () => {
      const rows = await findFeedComments(deps.db, { threadId: thread.id }, FEED_ENTRIES);
      const entries = rows.map((row) => toEntry(deps, site, row));
      const created = atomDate(thread.created_at, new Date(0).toISOString());
      return atomDocument({
        id: atomId(deps, 'thread', thread.id),
        title: `Comments on “${thread.title ?? thread.key}”`,
        updated: newest(entries, created),
        self,
        alternate: pageOf(deps, site, thread.key, thread.url),
        entries,
      });
    },
  };
}

/** A site's feed, across its threads: 404 for an unknown site. */
export async function siteFeed(deps: Deps, siteId: string): Promise<Feed> {
  const site = await getSite(deps, siteId);
  const state = await findSiteFeedState(deps.db, site.id);
  if (state === undefined) throw new AppError(404, 'site_not_found');
  const self = `${deps.config.publicUrl}/feeds/${encodeURIComponent(site.id)}/comments.atom`;
  return {
    tag: tagOf(deps, site, 'site', state.version),
    render: async () => {
      const rows = await findFeedComments(deps.db, { siteId: site.id }, FEED_ENTRIES);
      const entries = rows.map((row) => toEntry(deps, site, row));
      return atomDocument({
        id: self,
        title: `Comments on ${site.name}`,
        updated: newest(entries, atomDate(state.created_at, new Date(0).toISOString())),
        self,
        alternate: site.origins[0] ?? deps.config.publicUrl,
        entries,
      });
    },
  };
}
