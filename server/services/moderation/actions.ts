/**
 * @module services/moderation/actions
 * The moderation queue and what moderators do to comments and threads: approve, reject,
 * mark spam, delete, pin, edit, lock. Each action on a batch is one transaction with its
 * audit entries and its events; repeating an action is a no-op that answers the same (and
 * writes neither).
 */
import { randomUUID } from 'node:crypto';
import type {
  EventKind,
  ModActionRequest,
  ModActionResponse,
  ModComment,
  ModerationAction,
  ModQueueResponse,
  ModSitesResponse,
  PublicThread,
} from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError, invalid } from '../../errors.js';
import { countVisibleChildren, updateCommentRow } from '../../store/comments.js';
import type { Db } from '../../store/dialect.js';
import {
  countByStatus,
  findActiveBans,
  findQueuePage,
  findQueueRowsByIds,
  findRolesOfAccount,
  type QueueRow,
} from '../../store/moderation.js';
import type { BanRow } from '../../store/schema.js';
import { countPublishedInThread } from '../../store/comments.js';
import { findThreadByKey, setThreadLocked, upsertThread } from '../../store/threads.js';
import { findSiteById } from '../../store/sites.js';
import { findUserById } from '../../store/users.js';
import { recordAudit } from './audit.js';
import { isId } from '../common/authorship.js';
import { loadAuthors } from '../comments/authors.js';
import { toPublicComment } from '../comments/view.js';
import { removeComment } from '../comments/remove.js';
import { withEvents } from '../events/log.js';
import { checkBody, checkThreadKey } from '../common/input-rules.js';
import { decodePosition, encodePosition } from '../common/positions.js';
import { assertOutranks, type Actor, type Staff } from './staff.js';

export const ACTIONS: readonly ModerationAction[] = [
  'approve',
  'reject',
  'spam',
  'delete',
  'pin',
  'unpin',
];
const STATUSES = ['pending', 'published', 'spam', 'deleted'] as const;

/** The event an action that changes a comment in place writes (removals write their own). */
const EVENT_OF: Record<ModerationAction, EventKind> = {
  approve: 'comment.approved',
  reject: 'comment.deleted',
  spam: 'comment.spam',
  delete: 'comment.deleted',
  pin: 'comment.pinned',
  unpin: 'comment.unpinned',
};
const MAX_BATCH = 100;
const DEFAULT_QUEUE_PAGE = 50;

function bannedBy(bans: readonly BanRow[], row: QueueRow): boolean {
  return bans.some(
    (b) =>
      (b.kind === 'user' && b.value === row.user_id) ||
      (b.kind === 'client' && b.value === row.ip_hash) ||
      (b.kind === 'email' && b.value === row.email_hash),
  );
}

async function toModComments(
  deps: Deps,
  db: Db,
  siteId: string,
  rows: QueueRow[],
): Promise<ModComment[]> {
  const authors = await loadAuthors(db, siteId, rows);
  const bans = await findActiveBans(db, siteId, deps.now().toISOString());
  const out: ModComment[] = [];
  for (const row of rows) {
    const view = toPublicComment(row, await countVisibleChildren(db, row.id), authors);
    out.push({
      ...view,
      thread: {
        key: row.thread_key,
        title: row.thread_title,
        url: row.thread_url,
        locked: row.thread_locked === 1,
      },
      body: row.body_source,
      author:
        view.author === null
          ? null
          : { ...view.author, email: row.author_email, userId: row.user_id },
      client: row.ip_hash?.slice(0, 12) ?? null,
      heldReason: row.held_reason,
      spamCheck: row.spam_check,
      banned: bannedBy(bans, row),
    });
  }
  return out;
}

/** The sites the signed-in account moderates, with what waits in each. */
export async function listModeratedSites(
  deps: Deps,
  userId: string,
  onlySite?: string,
): Promise<ModSitesResponse> {
  const user = await findUserById(deps.db, userId);
  if (user === undefined) return { sites: [] };
  const roles = await findRolesOfAccount(deps.db, user.provider, user.subject);
  const sites: ModSitesResponse['sites'] = [];
  for (const { site_id: id, role } of roles) {
    const site = await findSiteById(deps.db, id);
    if (onlySite !== undefined && id !== onlySite) continue;
    if (site === undefined || (role !== 'owner' && role !== 'moderator')) continue;
    const counts = await countByStatus(deps.db, id);
    sites.push({
      id,
      name: site.name,
      role,
      pending: counts.get('pending') ?? 0,
      spam: counts.get('spam') ?? 0,
    });
  }
  return { sites };
}

export interface QueueQuery {
  status?: string | undefined;
  q?: string | undefined;
  thread?: string | undefined;
  cursor?: string | undefined;
  limit?: string | undefined;
}

export async function readQueue(
  deps: Deps,
  staff: Staff,
  query: QueueQuery,
): Promise<ModQueueResponse> {
  const status = query.status ?? 'pending';
  const statuses =
    status === 'all'
      ? STATUSES
      : (STATUSES as readonly string[]).includes(status)
        ? [status]
        : null;
  const limit = query.limit === undefined ? DEFAULT_QUEUE_PAGE : Number(query.limit);
  const errors = [];
  if (statuses === null) {
    errors.push({
      field: 'status',
      code: 'invalid',
      message: `status is one of ${STATUSES.join(', ')}, all`,
    });
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    errors.push({
      field: 'limit',
      code: 'invalid',
      message: 'limit is a whole number from 1 to 200',
    });
  }
  if ((query.q ?? '').length > 200) {
    errors.push({ field: 'q', code: 'too_long', message: 'Search for at most 200 characters.' });
  }
  const key = query.thread === undefined ? undefined : checkThreadKey(query.thread);
  if (key !== undefined && !key.ok) errors.push(key.error);
  if (errors.length > 0 || statuses === null) throw invalid(errors);
  const before = decodePosition(query.cursor);
  const rows = await findQueuePage(deps.db, {
    siteId: staff.site.id,
    statuses,
    threadKey: key?.ok === true ? key.value : undefined,
    search: query.q?.trim(),
    before,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const counts = await countByStatus(deps.db, staff.site.id);
  return {
    comments: await toModComments(deps, deps.db, staff.site.id, page),
    nextCursor:
      rows.length > limit && last !== undefined
        ? encodePosition({ createdAt: last.created_at, id: last.id })
        : null,
    counts: {
      pending: counts.get('pending') ?? 0,
      published: counts.get('published') ?? 0,
      spam: counts.get('spam') ?? 0,
      deleted: counts.get('deleted') ?? 0,
    },
  };
}

function refuse(action: ModerationAction, row: QueueRow, why: string): never {
  throw new AppError(409, 'invalid_state', {
    detail: `Cannot ${action} comment ${row.id}: ${why}.`,
  });
}

/**
 * What an action changes on one comment, or null when it is already so (a retry) or the
 * comment must be removed (`'remove'`).
 */
function plan(action: ModerationAction, row: QueueRow): Partial<QueueRow> | 'remove' | null {
  const { status } = row;
  switch (action) {
    case 'approve':
      if (status === 'published') return null;
      if (status === 'deleted') refuse(action, row, 'it was deleted');
      return { status: 'published', held_reason: null };
    case 'reject':
      if (status === 'deleted') return null;
      if (status === 'published') refuse(action, row, 'it is published; delete it instead');
      return 'remove';
    case 'spam':
      if (status === 'spam') return null;
      if (status === 'deleted') refuse(action, row, 'it was deleted');
      return { status: 'spam', pinned: 0 };
    case 'delete':
      return status === 'deleted' ? null : 'remove';
    case 'pin':
      if (row.parent_id !== null) refuse(action, row, 'only top-level comments can be pinned');
      if (status !== 'published') refuse(action, row, 'only published comments can be pinned');
      return row.pinned === 1 ? null : { pinned: 1 };
    case 'unpin':
      return row.pinned === 0 ? null : { pinned: 0 };
  }
}

export async function applyAction(
  deps: Deps,
  staff: Actor,
  input: ModActionRequest,
): Promise<ModActionResponse> {
  const ids = [...new Set(input.ids)];
  if (!ACTIONS.includes(input.action)) {
    throw invalid([
      { field: 'action', code: 'invalid', message: `action is one of ${ACTIONS.join(', ')}` },
    ]);
  }
  if (ids.length === 0 || ids.length > MAX_BATCH || !ids.every(isId)) {
    throw invalid([
      { field: 'ids', code: 'invalid', message: `ids holds 1 to ${MAX_BATCH} comment ids.` },
    ]);
  }
  const now = deps.now();
  return withEvents(deps, async (trx, events) => {
    const rows = await findQueueRowsByIds(trx, staff.site.id, ids);
    if (rows.length !== ids.length) {
      const missing = ids.filter((id) => !rows.some((r) => r.id === id));
      throw new AppError(404, 'not_found', {
        detail: `No such comment on this site: ${missing.join(', ')}`,
      });
    }
    assertOutranks(staff, rows, await loadAuthors(trx, staff.site.id, rows));
    const after: QueueRow[] = [];
    // Deepest first: removing a reply before its parent lets the parent leave cleanly.
    const ordered = [...rows].sort((a, b) => b.depth - a.depth);
    const plans = ordered.map((row) => [row, plan(input.action, row)] as const);
    for (const [row, change] of plans) {
      if (change === null) {
        after.push(row);
        continue;
      }
      if (change === 'remove') {
        const placeholder = await removeComment(trx, events, staff.site.id, row, now);
        after.push(
          placeholder === null
            ? {
                ...row,
                status: 'deleted',
                body_source: '',
                body_html: '',
                author_name: null,
                author_email: null,
                pinned: 0,
              }
            : { ...row, ...placeholder },
        );
      } else {
        await updateCommentRow(trx, row.id, change);
        await events.append({
          siteId: staff.site.id,
          threadId: row.thread_id,
          kind: EVENT_OF[input.action],
          commentId: row.id,
          detail: change.status === undefined ? undefined : { from: row.status, to: change.status },
        });
        after.push({ ...row, ...change });
      }
      await recordAudit(trx, now, {
        siteId: staff.site.id,
        actor: staff.actor,
        action: input.action,
        targetType: 'comment',
        targetId: row.id,
        detail: { from: row.status, thread: row.thread_key, author: row.author_name },
      });
    }
    const byId = new Map(after.map((r) => [r.id, r]));
    const inOrder = ids.map((id) => byId.get(id)).filter((r): r is QueueRow => r !== undefined);
    return { comments: await toModComments(deps, trx, staff.site.id, inOrder) };
  });
}

/** A moderator's edit of a comment's text (any time, any status but deleted). */
export async function editAsModerator(
  deps: Deps,
  staff: Staff,
  id: string,
  input: { body: string },
): Promise<{ comment: ModComment }> {
  const body = checkBody(input.body);
  if (!body.ok) throw invalid([body.error]);
  const html = await deps.renderer.render(body.value);
  const now = deps.now();
  return withEvents(deps, async (trx, events) => {
    const [row] = isId(id) ? await findQueueRowsByIds(trx, staff.site.id, [id]) : [];
    if (row === undefined || row.status === 'deleted') throw new AppError(404, 'not_found');
    assertOutranks(staff, [row], await loadAuthors(trx, staff.site.id, [row]));
    if (row.body_source === body.value) {
      return { comment: (await toModComments(deps, trx, staff.site.id, [row]))[0] as ModComment };
    }
    const patch = {
      body_source: body.value,
      body_html: html,
      render_version: deps.renderer.version,
      edited_at: now.toISOString(),
    };
    await updateCommentRow(trx, row.id, patch);
    await events.append({
      siteId: staff.site.id,
      threadId: row.thread_id,
      kind: 'comment.edited',
      commentId: row.id,
    });
    await recordAudit(trx, now, {
      siteId: staff.site.id,
      actor: staff.actor,
      action: 'edit',
      targetType: 'comment',
      targetId: row.id,
      detail: { thread: row.thread_key, author: row.author_name },
    });
    const [view] = await toModComments(deps, trx, staff.site.id, [{ ...row, ...patch }]);
    return { comment: view as ModComment };
  });
}

/** Locks or unlocks a thread (a thread with no comments yet is created, locked). */
export async function lockThread(
  deps: Deps,
  staff: Staff,
  threadKey: string,
  locked: boolean,
): Promise<{ thread: PublicThread }> {
  const key = checkThreadKey(threadKey);
  if (!key.ok) throw invalid([key.error]);
  const now = deps.now();
  return withEvents(deps, async (trx, events) => {
    const thread =
      (await findThreadByKey(trx, staff.site.id, key.value)) ??
      (await upsertThread(trx, {
        id: randomUUID(),
        site_id: staff.site.id,
        key: key.value,
        title: null,
        url: null,
        locked: 0,
        created_at: now.toISOString(),
      }));
    if ((thread.locked === 1) !== locked) {
      await setThreadLocked(trx, thread.id, locked);
      await events.append({
        siteId: staff.site.id,
        threadId: thread.id,
        kind: locked ? 'thread.locked' : 'thread.unlocked',
      });
      await recordAudit(trx, now, {
        siteId: staff.site.id,
        actor: staff.actor,
        action: locked ? 'lock' : 'unlock',
        targetType: 'thread',
        targetId: thread.key,
      });
    }
    return {
      thread: {
        key: thread.key,
        title: thread.title,
        url: thread.url,
        locked,
        commentCount: await countPublishedInThread(trx, thread.id),
        likeCount: thread.like_count,
        liked: false,
      },
    };
  });
}
