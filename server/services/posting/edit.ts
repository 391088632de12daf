/**
 * @module services/comments-edit
 * Editing and deleting by a comment's author. The check and the write happen in one
 * transaction, so an edit racing a delete cannot bring deleted text back.
 */
import type { DeleteCommentResponse, UpdateCommentResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError, invalid } from '../../errors.js';
import { countVisibleChildren, findCommentById, updateCommentRow } from '../../store/comments.js';
import type { Db } from '../../store/dialect.js';
import type { CommentRow } from '../../store/schema.js';
import { findThreadById } from '../../store/threads.js';
import {
  clientBucket,
  editableUntil,
  isId,
  tokenMatches,
  type Caller,
} from '../common/authorship.js';
import { enforceRateLimit } from '../common/clients.js';
import { toPublicComment } from '../comments/view.js';
import { assertNotBanned } from '../moderation/bans.js';
import { checkBody } from '../common/input-rules.js';
import { ruleHold } from './spam-rules.js';
import { removeComment } from '../comments/remove.js';
import { loadAuthors } from '../comments/authors.js';
import { requireSession } from '../sign-in/sessions.js';
import { assertOriginAllowed, getSite, type Site } from '../sites/sites.js';

/** The comment and its site, when the caller may change it now; else why not. */
async function authorize(
  deps: Deps,
  db: Db,
  id: string,
  caller: Caller,
): Promise<{ row: CommentRow; site: Site }> {
  const row = isId(id) ? await findCommentById(db, id) : undefined;
  if (row === undefined || row.status === 'deleted') throw new AppError(404, 'not_found');
  const thread = await findThreadById(db, row.thread_id);
  if (thread === undefined) throw new AppError(404, 'not_found');
  const site = await getSite({ ...deps, db }, thread.site_id);
  assertOriginAllowed(site, caller.origin);
  if (row.user_id !== null) {
    // A signed-in author's comment: their session, for this site, from this origin.
    const session = await requireSession(
      { ...deps, db },
      caller.sessionToken,
      caller.origin,
      site.id,
    );
    if (session.user.id !== row.user_id) throw new AppError(403, 'forbidden');
  } else {
    if (caller.editToken === undefined || caller.editToken === '') {
      throw new AppError(401, 'not_signed_in', { detail: 'Send the Confab-Edit-Token header.' });
    }
    if (!tokenMatches(caller.editToken, row.edit_token_hash)) throw new AppError(403, 'forbidden');
  }
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
  const body = checkBody(input.body);
  if (!body.ok) throw invalid([body.error]);
  // Rendering is the expensive part: refuse a stranger before it, and a flood after it.
  const { site, row: current } = await authorize(deps, deps.db, id, caller);
  // A banned author may not rewrite what they wrote either.
  await assertNotBanned(deps.db, site.id, deps.now(), {
    userId: current.user_id,
    clientHash: caller.clientHash,
    emailHash: current.email_hash,
  });
  await enforceRateLimit(
    deps,
    clientBucket('edit', site, caller),
    site.rateLimit === 0 ? 0 : site.rateLimit * 2,
  );
  const html = deps.renderer.render(body.value);
  const now = deps.now();
  const patch = {
    body_source: body.value,
    body_html: html,
    render_version: deps.renderer.version,
    edited_at: now.toISOString(),
  };
  return deps.db.transaction().execute(async (trx) => {
    const { row, site: rowSite } = await authorize(deps, trx, id, caller);
    const authors = await loadAuthors(trx, rowSite.id, [row]);
    const staff = row.user_id !== null && (authors.get(row.user_id)?.role ?? null) !== null;
    // An edit passes the same content rules as a new comment: a published comment turned
    // into spam goes back to the moderators.
    const reason = staff
      ? null
      : ruleHold(rowSite, {
          html,
          texts: [body.value, row.author_name, row.author_email, row.author_url],
          accountCreatedAt: null,
          now,
        });
    const held =
      reason !== null && row.status === 'published'
        ? { status: 'pending', held_reason: reason, pinned: 0 }
        : {};
    await updateCommentRow(trx, row.id, { ...patch, ...held });
    const replies = await countVisibleChildren(trx, row.id);
    return { comment: toPublicComment({ ...row, ...patch, ...held }, replies, authors) };
  });
}

/** Deletion by the author (session or edit token, inside the edit window). */
export async function deleteComment(
  deps: Deps,
  id: string,
  caller: Caller,
): Promise<DeleteCommentResponse> {
  return deps.db.transaction().execute(async (trx) => {
    const { row } = await authorize(deps, trx, id, caller);
    const placeholder = await removeComment(trx, row, deps.now());
    if (placeholder === null) return { comment: null };
    // Replies nobody else can see (held, spam) keep the row but not a public placeholder.
    const visible = await countVisibleChildren(trx, row.id);
    return { comment: visible === 0 ? null : toPublicComment(placeholder, visible) };
  });
}
