/**
 * @module services/reading/threads
 * Reading threads and counts. An unknown thread is an empty thread, not a 404. A page for
 * anonymous readers is built once per thread version and kept (`page-cache.ts`).
 */
import type { CountsResponse, SortOrder, ThreadResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { invalid } from '../../errors.js';
import {
  countPublishedInThread,
  findPublicReplies,
  findTopLevelPage,
  type CommentSort,
  type PendingView,
  type SortPosition,
} from '../../store/comments.js';
import type { CommentRow, ThreadRow } from '../../store/schema.js';
import { authenticate } from '../sign-in/sessions.js';
import { countPublishedByKeys, findThreadByKey } from '../../store/threads.js';
import { loadAuthors } from '../comments/authors.js';
import { buildPublicPage } from '../comments/view.js';
import { isId } from '../common/authorship.js';
import { findPageAround } from './around.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { checkThreadKey, collect } from '../common/input-rules.js';
import { threadLikes } from '../reactions/likes.js';
import { getSite } from '../sites/sites.js';
import { serializePage, type SerializedPage } from './page-cache.js';

export const SORTS: readonly SortOrder[] = ['oldest', 'newest', 'top'];
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;
export const MAX_COUNT_KEYS = 100;

export interface ThreadQuery {
  site: string;
  thread: string;
  sort?: string | undefined;
  cursor?: string | undefined;
  limit?: string | undefined;
  /** A comment's id: answer the page that holds it (a permalink's), instead of a cursor's. */
  around?: string | undefined;
}

/** Who reads: a signed-in reader also sees their own held comments; staff see all held ones. */
export interface Viewer {
  sessionToken: string | undefined;
  origin: string | undefined;
}

async function pendingViewOf(
  deps: Deps,
  siteId: string,
  viewer: Viewer | undefined,
): Promise<PendingView> {
  if (viewer?.sessionToken === undefined) return null;
  const session = await authenticate(deps, viewer.sessionToken, viewer.origin, siteId);
  if (session === null) return null;
  return session.user.role !== null ? { all: true } : { userId: session.user.id };
}

function isSort(value: string): value is SortOrder {
  return (SORTS as readonly string[]).includes(value);
}

/** A query, checked: every field's problem at once, as a 422. */
interface ParsedQuery {
  key: string;
  sort: SortOrder;
  limit: number;
  position: SortPosition | undefined;
  cursor: string | undefined;
  around: string | undefined;
}

function parseQuery(query: ThreadQuery): ParsedQuery {
  const key = checkThreadKey(query.thread);
  const sort = query.sort ?? 'oldest';
  const limit = query.limit === undefined ? DEFAULT_PAGE : Number(query.limit);
  const errors = collect(key);
  if (!isSort(sort)) {
    errors.push({ field: 'sort', code: 'invalid', message: `sort is one of ${SORTS.join(', ')}` });
  }
  if (
    !Number.isInteger(limit) ||
    limit < 1 ||
    limit > MAX_PAGE ||
    !/^\d+$/.test(query.limit ?? '1')
  ) {
    errors.push({
      field: 'limit',
      code: 'invalid',
      message: `limit is a whole number from 1 to ${MAX_PAGE}`,
    });
  }
  const position =
    query.cursor === undefined || !isSort(sort) ? undefined : decodeCursor(sort, query.cursor);
  if (query.cursor !== undefined && position === undefined) {
    errors.push({
      field: 'cursor',
      code: 'invalid',
      message: 'cursor is not one this server gave for this sort',
    });
  }
  const { around } = query;
  if (around !== undefined && (!isId(around) || query.cursor !== undefined)) {
    errors.push({
      field: 'around',
      code: 'invalid',
      message: isId(around) ? 'around and cursor do not go together' : 'around is a comment id',
    });
  }
  if (errors.length > 0 || !key.ok || !isSort(sort)) throw invalid(errors);
  return { key: key.value, sort, limit, position, cursor: query.cursor, around };
}

/** An unknown thread reads as an empty one. */
function emptyThread(q: ParsedQuery): ThreadResponse {
  return {
    thread: {
      key: q.key,
      title: null,
      url: null,
      locked: false,
      commentCount: 0,
      likeCount: 0,
      liked: false,
    },
    comments: [],
    nextCursor: null,
    ...(q.around === undefined ? {} : { around: { id: q.around, found: false } }),
  };
}

async function respond(
  deps: Deps,
  siteId: string,
  thread: ThreadRow,
  q: ParsedQuery,
  pending: PendingView,
): Promise<ThreadResponse> {
  const { sort, limit, around } = q;
  const first = () =>
    findTopLevelPage(deps.db, thread.id, { sort, limit: limit + 1, after: q.position, pending });
  const near =
    around === undefined
      ? undefined
      : await findPageAround(deps, thread.id, { id: around, sort, limit, pending });
  let page = await buildPage(deps, siteId, near ?? (await first()), { sort, limit, pending });
  // The comment may still be missing: deleted with nothing left below it, under a comment
  // this reader cannot see. Then the reader gets the thread's start.
  const found = near !== undefined && page.comments.some((c) => c.id === around);
  if (near !== undefined && !found) {
    page = await buildPage(deps, siteId, await first(), { sort, limit, pending });
  }
  // Shared by every reader: the count and the newest signed-in likers, never whether
  // this reader likes it (GET /api/v1/reactions says that).
  const { likeCount, likers } = await threadLikes(deps.db, thread, null);
  return {
    thread: {
      key: thread.key,
      title: thread.title,
      url: thread.url,
      locked: thread.locked === 1,
      commentCount: await countPublishedInThread(deps.db, thread.id),
      likeCount,
      liked: false,
      likers,
    },
    ...page,
    ...(around === undefined ? {} : { around: { id: around, found } }),
  };
}

export async function readThread(
  deps: Deps,
  query: ThreadQuery,
  viewer?: Viewer,
): Promise<ThreadResponse> {
  const site = await getSite(deps, query.site);
  const q = parseQuery(query);
  const thread = await findThreadByKey(deps.db, site.id, q.key);
  if (thread === undefined) return emptyThread(q);
  return respond(deps, site.id, thread, q, await pendingViewOf(deps, site.id, viewer));
}

/** A page of a thread, serialized, and whether it is the same for every anonymous reader. */
export interface ThreadPage {
  page: SerializedPage;
  /** Built for nobody in particular: a shared cache may keep it. */
  shared: boolean;
}

/**
 * `readThread` as the HTTP answer: for a reader who sees no held comment, the page built
 * once per thread version and kept in `deps.pages`; for one who does, built for them.
 */
export async function readThreadPage(
  deps: Deps,
  query: ThreadQuery,
  viewer?: Viewer,
): Promise<ThreadPage> {
  const site = await getSite(deps, query.site);
  const q = parseQuery(query);
  // The version is read before the page, so a page is never older than the version it is
  // kept under: a write landing while it is built only makes the next reader rebuild.
  const thread = await findThreadByKey(deps.db, site.id, q.key);
  const pending = await pendingViewOf(deps, site.id, viewer);
  if (thread === undefined)
    return { page: serializePage(emptyThread(q)), shared: pending === null };
  if (pending !== null) {
    return { page: serializePage(await respond(deps, site.id, thread, q, pending)), shared: false };
  }
  const key = [thread.id, q.sort, q.limit, q.cursor ?? '', q.around ?? ''].join(' ');
  const now = deps.now().getTime();
  const kept = deps.pages.get(key, thread.version, now);
  if (kept !== undefined) return { page: kept, shared: true };
  const value = await respond(deps, site.id, thread, q, null);
  return { page: deps.pages.store(key, thread.version, now, value), shared: true };
}

/** A page from its top-level rows (`limit` + 1 of them when another page follows). */
async function buildPage(
  deps: Deps,
  siteId: string,
  rows: CommentRow[],
  { sort, limit, pending }: { sort: CommentSort; limit: number; pending: PendingView },
): Promise<Pick<ThreadResponse, 'comments' | 'nextCursor'>> {
  const tops = rows.slice(0, limit);
  const last = tops.at(-1);
  const replies = await findPublicReplies(
    deps.db,
    tops.map((r) => r.id),
    pending,
  );
  return {
    comments: buildPublicPage(
      tops,
      replies,
      await loadAuthors(deps.db, siteId, [...tops, ...replies]),
    ),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(sort, last) : null,
  };
}

export async function countComments(
  deps: Deps,
  siteId: string,
  keys: readonly string[],
): Promise<CountsResponse> {
  const site = await getSite(deps, siteId);
  if (keys.length === 0) {
    throw invalid([
      { field: 'thread', code: 'required', message: 'Give at least one thread key.' },
    ]);
  }
  if (keys.length > MAX_COUNT_KEYS) {
    throw invalid([
      {
        field: 'thread',
        code: 'too_long',
        message: `At most ${MAX_COUNT_KEYS} threads per request.`,
      },
    ]);
  }
  const checked = keys.map((k) => checkThreadKey(k));
  const errors = collect(...checked);
  if (errors.length > 0) throw invalid(errors);
  // Counted by the normalised key, answered under the key as the page asked for it.
  const normal = checked.map((rule, i) => (rule.ok ? rule.value : (keys[i] ?? '')));
  const found = await countPublishedByKeys(deps.db, site.id, [...new Set(normal)]);
  const counts: Record<string, number> = {};
  keys.forEach((key, i) => {
    counts[key] = found.get(normal[i] ?? key) ?? 0;
  });
  return { counts };
}
