/**
 * @module services/posting/write
 * The one transaction of a post: a retry racing its first attempt is answered there, the
 * guard is spent, the limits are counted, the duplicate rule and the hold rules look at
 * what is stored now, then the thread (when new), the comment and its `comment.created`
 * event are written. One commit, one fsync.
 *
 * A refusal after the guard was spent or a limit counted still commits those (a guard is
 * good for one attempt, whatever becomes of it; a refused attempt still counts) and then
 * refuses; anything unexpected rolls everything back.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { CreateCommentResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { insertComment } from '../../store/comments.js';
import { isForeignKeyViolation, isUniqueViolation, type Db } from '../../store/dialect.js';
import { findRecentByAuthor, findRecentInThread } from '../../store/moderation.js';
import type { CommentRow } from '../../store/schema.js';
import { findThreadById, upsertThread } from '../../store/threads.js';
import { editableUntil, hashToken } from '../common/authorship.js';
import { countHit } from '../common/rate-limits.js';
import { sessionAuthor } from '../comments/authors.js';
import { toPublicComment } from '../comments/view.js';
import { withEvents } from '../events/log.js';
import { hashEmail } from '../moderation/bans.js';
import { limitsOf, type Findings } from './checks.js';
import type { Posting } from './context.js';
import { spendGuard } from './guard.js';
import { holdReason } from './hold.js';
import { replayOf } from './replay.js';
import { assertNotDuplicate } from './spam-rules.js';
import { subscribe } from '../notify/subscriptions.js';

/** How far back a repeat counts as a duplicate: the author's own, anyone's in the thread. */
const DUPLICATE_WINDOW_MS = 24 * 3_600_000;
const THREAD_DUPLICATE_WINDOW_MS = 10 * 60_000;

type Outcome =
  | { kind: 'written'; response: CreateCommentResponse }
  | { kind: 'replayed'; response: CreateCommentResponse }
  | { kind: 'refused'; error: AppError };

/** The duplicate rule against what this author and this thread hold now. */
async function assertNotRepeated(
  deps: Deps,
  db: Db,
  posting: Posting,
  threadId: string | undefined,
) {
  const { site, session, caller, fields, now } = posting;
  const since = (ms: number) => new Date(now.getTime() - ms).toISOString();
  assertNotDuplicate(
    fields.body,
    threadId,
    await findRecentByAuthor(
      db,
      site.id,
      { userId: session?.user.id ?? null, clientHash: caller.clientHash },
      since(DUPLICATE_WINDOW_MS),
      20,
    ),
    threadId === undefined
      ? []
      : await findRecentInThread(db, threadId, since(THREAD_DUPLICATE_WINDOW_MS), 50),
    deps.textPrints,
  );
}

/** The thread to write into: the known one (if still open), else a new one. */
async function threadFor(db: Db, posting: Posting, at: string) {
  const known =
    posting.thread === undefined ? undefined : await findThreadById(db, posting.thread.id);
  const thread =
    known ??
    (await upsertThread(db, {
      id: randomUUID(),
      site_id: posting.site.id,
      key: posting.fields.key,
      title: posting.fields.title,
      url: posting.fields.pageUrl?.href ?? null,
      locked: 0,
      created_at: at,
    }));
  if (thread.locked === 1) throw new AppError(403, 'thread_locked');
  return thread;
}

function newRow(deps: Deps, posting: Posting, threadId: string, html: string, at: string) {
  const { fields, session, caller, parent } = posting;
  const id = randomUUID();
  // Guests prove authorship with this token (shown once); signed-in authors with their session.
  const token = session === null ? randomBytes(32).toString('base64url') : null;
  const row: CommentRow = {
    id,
    thread_id: threadId,
    parent_id: parent?.id ?? null,
    root_id: parent?.root_id ?? id,
    depth: parent === undefined ? 0 : parent.depth + 1,
    status: 'published',
    body_source: fields.body,
    body_html: html,
    render_version: deps.renderer.version,
    author_name: fields.name,
    author_email: fields.email,
    author_url: fields.url,
    user_id: session?.user.id ?? null,
    ip_hash: caller.clientHash,
    edit_token_hash: token === null ? null : hashToken(token),
    idempotency_key: posting.scopedKey,
    request_hash: posting.scopedKey === null ? null : posting.requestHash,
    score: 0,
    upvotes: 0,
    downvotes: 0,
    pinned: 0,
    created_at: at,
    edited_at: null,
    deleted_at: null,
    held_reason: null,
    spam_check: null,
    email_hash: hashEmail(deps.secret, fields.email),
  };
  return { row, token };
}

/**
 * A post refused before its transaction (too complex to render) is still an attempt: it
 * spends its guard and counts in the limits, as a refusal inside the transaction does.
 */
export async function recordRefusedAttempt(
  deps: Deps,
  posting: Posting,
  findings: Findings,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    try {
      await spendGuard(trx, findings.spend);
    } catch (error) {
      // Already spent: the post is refused anyway.
      if (!(error instanceof AppError)) throw error;
    }
    for (const limit of limitsOf(posting)) await countHit(trx, posting.now, limit);
  });
}

/** Writes the comment (or answers a racing retry, or refuses); see the module comment. */
export async function writeComment(
  deps: Deps,
  posting: Posting,
  html: string,
  findings: Findings,
): Promise<{ response: CreateCommentResponse; created: boolean }> {
  const at = posting.now.toISOString();
  let outcome: Outcome;
  try {
    outcome = await withEvents(deps, async (trx, events): Promise<Outcome> => {
      const replay = await replayOf(deps, trx, posting);
      if (replay !== undefined) return { kind: 'replayed', response: replay };
      try {
        await spendGuard(trx, findings.spend);
      } catch (error) {
        if (error instanceof AppError) return { kind: 'refused', error };
        throw error;
      }
      try {
        for (const limit of limitsOf(posting)) await countHit(trx, posting.now, limit);
        await assertNotRepeated(deps, trx, posting, posting.thread?.id);
      } catch (error) {
        if (error instanceof AppError) return { kind: 'refused', error };
        throw error;
      }
      const thread = await threadFor(trx, posting, at);
      const held = await holdReason(trx, posting, html, findings.holds);
      const { row, token } = newRow(deps, posting, thread.id, html, at);
      if (held !== null) Object.assign(row, { status: 'pending', held_reason: held });
      await insertComment(trx, row);
      await events.append({
        siteId: posting.site.id,
        threadId: thread.id,
        kind: 'comment.created',
        commentId: row.id,
        detail: { status: row.status },
      });
      const { session } = posting;
      const authors = new Map(
        session === null ? [] : [[session.user.id, sessionAuthor(session.user)]],
      );
      const response: CreateCommentResponse = {
        comment: toPublicComment(row, 0, authors),
        editableUntil: editableUntil(deps, row).toISOString(),
      };
      if (token !== null) response.editToken = token;
      const { notify } = posting.fields;
      if (notify !== null) {
        response.notify = await subscribe(deps, trx, {
          site: posting.site,
          thread,
          email: notify.email,
          userId: session?.user.id ?? null,
          scope: notify.scope,
          commentId: row.id,
        });
      }
      return { kind: 'written', response };
    });
  } catch (error) {
    // Another server process won the race for this key: answer with its comment.
    if (isUniqueViolation(error)) {
      const replay = await replayOf(deps, deps.db, posting);
      if (replay !== undefined) return { response: replay, created: false };
    }
    // The parent went away between the checks and the write.
    if (isForeignKeyViolation(error)) throw new AppError(422, 'parent_not_found');
    throw error;
  }
  if (outcome.kind === 'refused') throw outcome.error;
  return { response: outcome.response, created: outcome.kind === 'written' };
}
