/**
 * @module services/live/payloads
 * What a live stream says about each event of the log, per reader. Events carry ids and
 * facts only; the comment an event is about is read once for all the streams that get it,
 * as it is now, and made public by `comments/view.ts` like any page of the thread. Readers
 * who may see it (a published comment or a placeholder: everyone; a held one: the site's
 * staff and its signed-in author) get that view; the others get only that it left their
 * view (deleted, held, spam: its id and its state), or nothing: a held comment's text,
 * author and arrival are never sent to them.
 */
import type { CommentStatus, LiveEvent } from '../../contract.js';
import {
  countVisibleChildren,
  findCommentById,
  isVisibleTo,
  type PendingView,
} from '../../store/comments.js';
import type { Db } from '../../store/dialect.js';
import type { CommentRow } from '../../store/schema.js';
import { loadAuthors, type Authors } from '../comments/authors.js';
import { toPublicComment } from '../comments/view.js';
import type { LoggedEvent } from '../events/log.js';
import { eventFrame } from './frames.js';

/** The bytes one reader gets for an event (by what they may see), or null: nothing. */
export type FrameFor = (pending: PendingView) => Buffer | null;

/** Kinds after which the comment may have left a reader's view: they hear that it did. */
const LEAVING: ReadonlySet<string> = new Set(['comment.deleted', 'comment.held', 'comment.spam']);

/** Kinds that change only counts, which their `detail` holds: no comment is sent with them. */
const COUNTS_ONLY: ReadonlySet<string> = new Set(['comment.voted']);

interface Loaded {
  rows: Map<string, CommentRow>;
  replies: Map<string, number>;
  authors: Map<string, Authors>;
}

/** The comments the events name, read once each, with what their public view needs. */
async function load(db: Db, events: readonly LoggedEvent[]): Promise<Loaded> {
  const ids = [...new Set(events.map((e) => e.commentId).filter((id) => id !== null))];
  const found = await Promise.all(ids.map((id) => findCommentById(db, id)));
  const rows = new Map(found.filter((r) => r !== undefined).map((r) => [r.id, r]));
  const viewed = [...rows.values()].filter((r) => r.status !== 'spam');
  const counts = await Promise.all(viewed.map((r) => countVisibleChildren(db, r.id)));
  const replies = new Map(viewed.map((r, i) => [r.id, counts[i] ?? 0]));
  const sites = new Map<string, CommentRow[]>();
  for (const e of events) {
    const row = e.commentId === null ? undefined : rows.get(e.commentId);
    if (row !== undefined) sites.set(e.siteId, [...(sites.get(e.siteId) ?? []), row]);
  }
  const authors = new Map<string, Authors>();
  for (const [siteId, list] of sites) authors.set(siteId, await loadAuthors(db, siteId, list));
  return { rows, replies, authors };
}

function frameOf(e: LoggedEvent, loaded: Loaded): FrameFor {
  const base: LiveEvent = {
    kind: e.kind,
    commentId: e.commentId,
    ...(e.detail === null ? {} : { detail: { ...e.detail } }),
  };
  if (e.commentId === null) {
    const frame = eventFrame(e.id, base);
    return () => frame;
  }
  const row = loaded.rows.get(e.commentId);
  const status = (row?.status ?? 'deleted') as CommentStatus;
  const left = LEAVING.has(e.kind) ? eventFrame(e.id, { ...base, comment: null, status }) : null;
  if (row === undefined) return () => left;
  const seen = eventFrame(
    e.id,
    COUNTS_ONLY.has(e.kind)
      ? base
      : {
          ...base,
          comment: toPublicComment(
            row,
            loaded.replies.get(row.id) ?? 0,
            loaded.authors.get(e.siteId),
          ),
        },
  );
  return (pending) => (isVisibleTo(row, pending) ? seen : left);
}

/**
 * For each event (by id), the bytes each reader gets. Reads each comment once, as it is
 * now: an event replayed later says what is true then (an edit's latest text, a vote's
 * count at that event), so applying events again is harmless.
 */
export async function framesFor(
  db: Db,
  events: readonly LoggedEvent[],
): Promise<Map<number, FrameFor>> {
  const loaded = await load(db, events);
  return new Map(events.map((e) => [e.id, frameOf(e, loaded)]));
}
