/**
 * @module services/comments-write
 * Posting, editing and deleting comments. Guests prove authorship with the edit token
 * they got once at creation (stored here only as a SHA-256 hash) inside the edit window.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type {
  CreateCommentResponse,
  DeleteCommentResponse,
  PreviewResponse,
  UpdateCommentResponse,
} from '../contract.js';
import type { Deps } from '../deps.js';
import { AppError, invalid } from '../errors.js';
import {
  countChildren,
  countVisibleChildren,
  deleteCommentRow,
  findCommentById,
  findCommentByIdempotencyKey,
  hasPublishedGuestComment,
  insertComment,
  updateCommentRow,
} from '../store/comments.js';
import type { Db } from '../store/dialect.js';
import type { CommentRow } from '../store/schema.js';
import {
  deleteThreadIfEmpty,
  findThreadById,
  findThreadByKey,
  upsertThread,
} from '../store/threads.js';
import { enforceRateLimit } from './clients.js';
import { toPublicComment } from './comment-view.js';
import {
  checkBody,
  checkEmail,
  checkName,
  checkPageUrl,
  checkThreadKey,
  checkTitle,
  checkWebsite,
  collect,
} from './input-rules.js';
import { assertOriginAllowed, getSite, type Site } from './sites.js';

/** What the transport knows about the caller. */
export interface Caller {
  origin: string | undefined;
  /** Keyed hash of the client's address, or null when unknown. */
  clientHash: string | null;
  editToken?: string | undefined;
  idempotencyKey?: string | undefined;
}

export interface NewComment {
  site: string;
  thread: string;
  parentId?: string | null | undefined;
  body: string;
  author?: { name: string; email?: string | undefined; url?: string | undefined } | undefined;
  threadTitle?: string | undefined;
  threadUrl?: string | undefined;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

function tokenMatches(token: string | undefined, hash: string | null): boolean {
  if (token === undefined || hash === null) return false;
  return timingSafeEqual(Buffer.from(hashToken(token)), Buffer.from(hash));
}

function editableUntil(deps: Deps, row: CommentRow): Date {
  return new Date(Date.parse(row.created_at) + deps.config.editWindowSeconds * 1000);
}

function clientBucket(kind: string, site: Site, caller: Caller): string {
  return `${kind}:${site.id}:${caller.clientHash ?? 'unknown'}`;
}

/** A page URL must be on one of the site's origins, like the page itself (else 403). */
function assertPageOnSite(site: Site, pageUrl: URL | null): void {
  if (pageUrl !== null && !site.origins.includes(pageUrl.origin)) {
    throw new AppError(403, 'origin_not_allowed', {
      detail: `threadUrl ${pageUrl.origin} is not one of the site's origins.`,
    });
  }
}

/**
 * A retried post (same client, same `Idempotency-Key`) must get back the same edit token,
 * or a reader whose first answer was lost could never edit their comment. So such tokens
 * are derived from the server secret; other tokens are random.
 */
function editTokenFor(deps: Deps, commentId: string, scopedKey: string | null): string {
  if (scopedKey === null) return randomBytes(32).toString('base64url');
  return createHmac('sha256', deps.secret)
    .update(`edit-token:${commentId}:${scopedKey}`)
    .digest('base64url');
}

async function initialStatus(
  db: Db,
  site: Site,
  name: string,
  email: string | null,
): Promise<string> {
  switch (site.moderation) {
    case 'none':
      return 'published';
    case 'first-time':
      // WordPress's "comment author must have a previously approved comment", for guests.
      return email !== null && (await hasPublishedGuestComment(db, site.id, name, email))
        ? 'published'
        : 'pending';
    case 'guests':
    case 'all':
      return 'pending';
  }
}

export async function postComment(
  deps: Deps,
  input: NewComment,
  caller: Caller,
): Promise<CreateCommentResponse> {
  const site = await getSite(deps, input.site);
  assertOriginAllowed(site, caller.origin);
  if (!site.allowGuests) {
    throw new AppError(403, 'guests_not_allowed', { detail: 'Sign in to comment on this site.' });
  }
  const key = checkThreadKey(input.thread);
  const body = checkBody(input.body);
  const name = checkName(input.author?.name ?? '');
  const email = checkEmail(input.author?.email);
  const url = checkWebsite(input.author?.url);
  const title = checkTitle(input.threadTitle);
  const pageUrl = checkPageUrl(input.threadUrl);
  const errors = collect(key, body, name, email, url, title, pageUrl);
  if (input.parentId !== undefined && input.parentId !== null && !isId(input.parentId)) {
    errors.push({ field: 'parentId', code: 'invalid', message: 'parentId is not a comment id.' });
  }
  if (
    errors.length > 0 ||
    !key.ok ||
    !body.ok ||
    !name.ok ||
    !email.ok ||
    !url.ok ||
    !title.ok ||
    !pageUrl.ok
  ) {
    throw invalid(errors);
  }
  assertPageOnSite(site, pageUrl.value);
  // Idempotency keys are the client's own: scoped by its address hash, so nobody else's
  // key can fetch their comment (which may be held for moderation).
  const scopedKey =
    caller.idempotencyKey === undefined
      ? null
      : `${caller.clientHash ?? 'unknown'}:${caller.idempotencyKey}`;
  const replayed =
    scopedKey === null ? undefined : await findReplay(deps, site, key.value, scopedKey);
  if (replayed !== undefined) return replayed;
  await enforceRateLimit(deps, clientBucket('comment', site, caller), site.rateLimit);

  const now = deps.now().toISOString();
  const result = await deps.db.transaction().execute(async (trx) => {
    const thread = await upsertThread(trx, {
      id: randomUUID(),
      site_id: site.id,
      key: key.value,
      title: title.value,
      url: pageUrl.value === null ? null : pageUrl.value.href,
      locked: 0,
      created_at: now,
    });
    if (thread.locked === 1) throw new AppError(403, 'thread_locked');
    let rootId: string | undefined;
    const parentId = input.parentId ?? null;
    if (parentId !== null) {
      const parent = await findCommentById(trx, parentId);
      if (parent === undefined || parent.thread_id !== thread.id || parent.status !== 'published') {
        throw new AppError(422, 'parent_not_found');
      }
      rootId = parent.root_id;
    }
    const id = randomUUID();
    const token = editTokenFor(deps, id, scopedKey);
    const row: CommentRow = {
      id,
      thread_id: thread.id,
      parent_id: parentId,
      root_id: rootId ?? id,
      status: await initialStatus(trx, site, name.value, email.value),
      body_source: body.value,
      body_html: deps.renderer.render(body.value),
      render_version: deps.renderer.version,
      author_name: name.value,
      author_email: email.value,
      author_url: url.value,
      user_id: null,
      ip_hash: caller.clientHash,
      edit_token_hash: hashToken(token),
      idempotency_key: scopedKey,
      score: 0,
      pinned: 0,
      created_at: now,
      edited_at: null,
      deleted_at: null,
    };
    await insertComment(trx, row);
    return { row, token };
  });
  return {
    comment: toPublicComment(result.row, 0),
    editToken: result.token,
    editableUntil: editableUntil(deps, result.row).toISOString(),
  };
}

/** The answer to an earlier post with the same scoped idempotency key, if there was one. */
async function findReplay(
  deps: Deps,
  site: Site,
  threadKey: string,
  scopedKey: string,
): Promise<CreateCommentResponse | undefined> {
  const thread = await findThreadByKey(deps.db, site.id, threadKey);
  if (thread === undefined) return undefined;
  const row = await findCommentByIdempotencyKey(deps.db, thread.id, scopedKey);
  if (row === undefined || row.status === 'deleted') return undefined;
  return {
    comment: toPublicComment(row, await countVisibleChildren(deps.db, row.id)),
    editToken: editTokenFor(deps, row.id, scopedKey),
    editableUntil: editableUntil(deps, row).toISOString(),
  };
}

export function isId(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value);
}

/** Loads a comment its author may change now, or throws why not. */
async function authorize(
  deps: Deps,
  id: string,
  caller: Caller,
): Promise<{ row: CommentRow; site: Site }> {
  const row = isId(id) ? await findCommentById(deps.db, id) : undefined;
  if (row === undefined || row.status === 'deleted') throw new AppError(404, 'not_found');
  const thread = await findThreadById(deps.db, row.thread_id);
  if (thread === undefined) throw new AppError(404, 'not_found');
  const site = await getSite(deps, thread.site_id);
  assertOriginAllowed(site, caller.origin);
  if (caller.editToken === undefined || caller.editToken === '') {
    throw new AppError(401, 'not_signed_in', { detail: 'Send the Confab-Edit-Token header.' });
  }
  if (!tokenMatches(caller.editToken, row.edit_token_hash)) throw new AppError(403, 'forbidden');
  if (deps.now().getTime() >= editableUntil(deps, row).getTime()) {
    throw new AppError(403, 'edit_window_closed');
  }
  return { row, site };
}

export async function editComment(
  deps: Deps,
  id: string,
  input: { body: string },
  caller: Caller,
): Promise<UpdateCommentResponse> {
  const { row } = await authorize(deps, id, caller);
  const body = checkBody(input.body);
  if (!body.ok) throw invalid([body.error]);
  const patch = {
    body_source: body.value,
    body_html: deps.renderer.render(body.value),
    render_version: deps.renderer.version,
    edited_at: deps.now().toISOString(),
  };
  await updateCommentRow(deps.db, row.id, patch);
  const replies = await countVisibleChildren(deps.db, row.id);
  return { comment: toPublicComment({ ...row, ...patch }, replies) };
}

/**
 * With replies, a comment becomes a placeholder: no body, no author, no address hash.
 * Without, it leaves the thread, and so does any placeholder above it left with nothing.
 */
export async function deleteComment(
  deps: Deps,
  id: string,
  caller: Caller,
): Promise<DeleteCommentResponse> {
  const { row } = await authorize(deps, id, caller);
  return deps.db.transaction().execute(async (trx) => {
    if ((await countChildren(trx, row.id)) > 0) {
      const patch = {
        status: 'deleted',
        body_source: '',
        body_html: '',
        author_name: null,
        author_email: null,
        author_url: null,
        ip_hash: null,
        edit_token_hash: null,
        pinned: 0,
        deleted_at: deps.now().toISOString(),
      };
      await updateCommentRow(trx, row.id, patch);
      // Replies nobody else can see (held, spam) keep the row but not a public placeholder.
      const visible = await countVisibleChildren(trx, row.id);
      return { comment: visible === 0 ? null : toPublicComment({ ...row, ...patch }, visible) };
    }
    await deleteCommentRow(trx, row.id);
    let parentId = row.parent_id;
    while (parentId !== null) {
      const parent = await findCommentById(trx, parentId);
      if (
        parent === undefined ||
        parent.status !== 'deleted' ||
        (await countChildren(trx, parent.id)) > 0
      )
        break;
      await deleteCommentRow(trx, parent.id);
      parentId = parent.parent_id;
    }
    await deleteThreadIfEmpty(trx, row.thread_id);
    return { comment: null };
  });
}

export async function previewComment(
  deps: Deps,
  input: { site: string; body: string },
  caller: Caller,
): Promise<PreviewResponse> {
  const site = await getSite(deps, input.site);
  assertOriginAllowed(site, caller.origin);
  const body = checkBody(input.body);
  if (!body.ok) throw invalid([body.error]);
  // Previews store nothing but cost a render: allow many more of them than comments.
  await enforceRateLimit(
    deps,
    clientBucket('preview', site, caller),
    site.rateLimit === 0 ? 0 : Math.max(60, site.rateLimit * 12),
  );
  return { html: deps.renderer.render(body.value) };
}
