/**
 * @module services/posting/edit
 * Editing and deleting by a comment's author, through the checks that apply to them: the
 * body's rules, the author (session or edit token) inside the edit window from one of the
 * site's origins, bans, the edit limit; then the content rules again (a published comment
 * edited into spam goes back to the moderators). The write re-reads the comment in its
 * transaction, so an edit racing a delete cannot bring deleted text back, and writes its
 * event there.
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
import { checkBody } from '../common/input-rules.js';
import { assertUnderLimit, countHit, type Limit } from '../common/rate-limits.js';
import { loadAuthors } from '../comments/authors.js';
import { removeComment } from '../comments/remove.js';
import { toPublicComment } from '../comments/view.js';
import { withEvents } from '../events/log.js';
import { assertNotBanned } from '../moderation/bans.js';
import { requireSession } from '../sign-in/sessions.js';
import { assertOriginAllowed, getSite, type Site } from '../sites/sites.js';
import { ruleHold } from './spam-rules.js';

/** A comment its author may change now. */
interface Authorized {
  row: CommentRow;
  site: Site;
  /** The author is the site's owner or a moderator (never held). */
  staff: boolean;
}

/** Check "author": origin, then the author's session or edit token, then the window. */
async function authorize(deps: Deps, id: string, caller: Caller): Promise<Authorized> {
  const row = isId(id) ? await findCommentById(deps.db, id) : undefined;
  if (row === undefined || row.status === 'deleted') throw new AppError(404, 'not_found');
  const thread = await findThreadById(deps.db, row.thread_id);
  if (thread === undefined) throw new AppError(404, 'not_found');
  const site = await getSite(deps, thread.site_id);
  assertOriginAllowed(site, caller.origin);
  let staff = false;
  if (row.user_id !== null) {
    // A signed-in author's comment: their session, for this site, from this origin.
    const session = await requireSession(deps, caller.sessionToken, caller.origin, site.id);
    if (session.user.id !== row.user_id) throw new AppError(403, 'forbidden');
    staff = session.user.role !== null;
  } else {
    if (caller.editToken === undefined || caller.editToken === '') {
      throw new AppError(401, 'not_signed_in', { detail: 'Send the Confab-Edit-Token header.' });
    }
    if (!tokenMatches(caller.editToken, row.edit_token_hash)) throw new AppError(403, 'forbidden');
  }
  if (deps.now().getTime() >= editableUntil(deps, row).getTime()) {
    throw new AppError(403, 'edit_window_closed');
  }
  return { row, site, staff };
}

/** The comment as it is now, in the write's transaction: gone or deleted since is a 404. */
async function reread(db: Db, id: string): Promise<CommentRow> {
  const row = await findCommentById(db, id);
  if (row === undefined || row.status === 'deleted') throw new AppError(404, 'not_found');
  return row;
}

const editLimit = (site: Site, caller: Caller): Limit => ({
  bucket: clientBucket('edit', site, caller),
  max: site.rateLimit === 0 ? 0 : site.rateLimit * 2,
  what: 'edits',
});

export async function editComment(
  deps: Deps,
  id: string,
  input: { body: string },
  caller: Caller,
): Promise<UpdateCommentResponse> {
  const body = checkBody(input.body);
  if (!body.ok) throw invalid([body.error]);
  const { site, staff, row: before } = await authorize(deps, id, caller);
  return applyEdit(deps, { site, staff, before, body: body.value, caller }, async (trx, row) => {
    const replies = await countVisibleChildren(trx, row.id);
    const authors = await loadAuthors(trx, site.id, [row]);
    return { comment: toPublicComment(row, replies, authors) };
  });
}

/**
 * An edit its author may make (checked by the caller: who, the window, the body's rules):
 * bans, the edit limit, rendering, then in one transaction the write, the hold rules and
 * the events. `view` turns the comment as written (and whether it went back to the
 * moderators) into the answer, in that transaction. The author's own edit, and a guest's
 * from their mailed link (services/data/guest-edit).
 */
export async function applyEdit<T>(
  deps: Deps,
  input: { site: Site; staff: boolean; before: CommentRow; body: string; caller: Caller },
  view: (trx: Db, row: CommentRow, held: boolean) => Promise<T>,
): Promise<T> {
  const { site, staff, before, body, caller } = input;
  // A banned author may not rewrite what they wrote either.
  await assertNotBanned(deps.db, site.id, deps.now(), {
    userId: before.user_id,
    clientHash: caller.clientHash,
    emailHash: before.email_hash,
  });
  // Rendering is the expensive part: a client over its limit is refused before it.
  await assertUnderLimit(deps.db, deps.now(), editLimit(site, caller));
  const html = await deps.renderer.render(body);
  const now = deps.now();
  return withEvents(deps, async (trx, events) => {
    await countHit(trx, now, editLimit(site, caller));
    const row = await reread(trx, before.id);
    const patch = {
      body_source: body,
      body_html: html,
      render_version: deps.renderer.version,
      edited_at: now.toISOString(),
    };
    const reason = staff
      ? null
      : ruleHold(site, {
          html,
          texts: [body, row.author_name, row.author_email, row.author_url],
          accountCreatedAt: null,
          now,
        });
    const held =
      reason !== null && row.status === 'published'
        ? { status: 'pending', held_reason: reason, pinned: 0 }
        : {};
    await updateCommentRow(trx, row.id, { ...patch, ...held });
    const event = { siteId: site.id, threadId: row.thread_id, commentId: row.id };
    await events.append({ ...event, kind: 'comment.edited' });
    if ('status' in held) {
      await events.append({
        ...event,
        kind: 'comment.held',
        detail: { from: row.status, to: 'pending' },
      });
    }
    return view(trx, { ...row, ...patch, ...held }, 'status' in held);
  });
}

/** Deletion by the author (session or edit token, inside the edit window). */
export async function deleteComment(
  deps: Deps,
  id: string,
  caller: Caller,
): Promise<DeleteCommentResponse> {
  const { site } = await authorize(deps, id, caller);
  return withEvents(deps, async (trx, events) => {
    const row = await reread(trx, id);
    const placeholder = await removeComment(trx, events, site.id, row, deps.now());
    if (placeholder === null) return { comment: null };
    // Replies nobody else can see (held, spam) keep the row but not a public placeholder.
    const visible = await countVisibleChildren(trx, row.id);
    return { comment: visible === 0 ? null : toPublicComment(placeholder, visible) };
  });
}
