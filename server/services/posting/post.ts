/**
 * @module services/comments-post
 * Posting a comment as a guest: every rule checked before anything is written, then one
 * transaction for the thread and the comment, so a refused post leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import type { CreateCommentResponse, PublicAuthor } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError, invalid } from '../../errors.js';
import {
  countVisibleChildren,
  findCommentById,
  findCommentByIdempotencyKey,
  hasPublishedGuestComment,
  hasPublishedUserComment,
  insertComment,
} from '../../store/comments.js';
import { isUniqueViolation, type Db } from '../../store/dialect.js';
import type { CommentRow } from '../../store/schema.js';
import { findThreadByKey, upsertThread } from '../../store/threads.js';
import {
  clientBucket,
  editableUntil,
  editTokenFor,
  hashToken,
  isId,
  type Caller,
} from '../common/authorship.js';
import { assertNotBanned, hashEmail } from '../moderation/bans.js';
import { enforceRateLimit } from '../common/clients.js';
import { checkGuard, spendGuard } from './guard.js';
import { assertNotDuplicate, ruleHold, type HeldReason } from './spam-rules.js';
import { findRecentByAuthor, findRecentInThread, findStaffNames } from '../../store/moderation.js';
import { impersonates } from './names.js';
import { findUserById } from '../../store/users.js';
import { toPublicComment } from '../comments/view.js';
import {
  checkBody,
  checkEmail,
  checkName,
  checkPageUrl,
  checkThreadKey,
  checkTitle,
  checkWebsite,
  collect,
} from '../common/input-rules.js';
import { loadAuthors } from '../comments/authors.js';
import { requireSession, type Session } from '../sign-in/sessions.js';
import { assertOriginAllowed, getSite, type Site } from '../sites/sites.js';

const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

function authorOf(session: Session): PublicAuthor {
  const { user } = session;
  return {
    name: user.name,
    avatarUrl: user.avatarUrl,
    provider: user.provider,
    role: user.role,
    url: user.profileUrl,
  };
}

export type { Caller } from '../common/authorship.js';

/**
 * Replies nest at most this deep; a reply to a comment at this depth becomes its sibling
 * (WordPress does the same). Keeps every tree walk shallow whatever readers do.
 */
export const MAX_DEPTH = 32;

export interface NewComment {
  site: string;
  thread: string;
  parentId?: string | null | undefined;
  body: string;
  author?: { name: string; email?: string | undefined; url?: string | undefined } | undefined;
  threadTitle?: string | undefined;
  threadUrl?: string | undefined;
  formToken?: string | undefined;
  proofOfWork?: string | undefined;
  /** The honeypot: a person leaves it empty. */
  trap?: string | undefined;
}

/** How far back a repeat counts as a duplicate: the author's own, anyone's in the thread. */
const DUPLICATE_WINDOW_MS = 24 * 3_600_000;
const THREAD_DUPLICATE_WINDOW_MS = 10 * 60_000;

/** A page URL must be on one of the site's origins, like the page itself (else 403). */
function assertPageOnSite(site: Site, pageUrl: URL | null): void {
  if (pageUrl !== null && !site.origins.includes(pageUrl.origin)) {
    throw new AppError(403, 'origin_not_allowed', {
      detail: `threadUrl ${pageUrl.origin} is not one of the site's origins.`,
    });
  }
}

async function initialStatus(
  db: Db,
  site: Site,
  author: { session: Session | null; name: string; email: string | null },
): Promise<string> {
  const { session } = author;
  // A site's own staff is never held.
  if (session !== null && session.user.role !== null) return 'published';
  switch (site.moderation) {
    case 'none':
      return 'published';
    case 'first-time':
      // WordPress's "comment author must have a previously approved comment".
      if (session !== null) {
        return (await hasPublishedUserComment(db, site.id, session.user.id))
          ? 'published'
          : 'pending';
      }
      return author.email !== null &&
        (await hasPublishedGuestComment(db, site.id, author.name, author.email))
        ? 'published'
        : 'pending';
    case 'guests':
      return session === null ? 'pending' : 'published';
    case 'all':
      return 'pending';
  }
}

/** Where a reply hangs: its parent, or the parent's parent once the tree is MAX_DEPTH deep. */
async function placeReply(db: Db, threadId: string, parentId: string): Promise<CommentRow> {
  const parent = await findCommentById(db, parentId);
  if (parent === undefined || parent.thread_id !== threadId || parent.status !== 'published') {
    throw new AppError(422, 'parent_not_found');
  }
  if (parent.depth < MAX_DEPTH || parent.parent_id === null) return parent;
  return (await findCommentById(db, parent.parent_id)) ?? parent;
}

/** The earlier answer to this client's post with the same idempotency key, if any. */
async function findReplay(
  deps: Deps,
  db: Db,
  site: Site,
  threadKey: string,
  scopedKey: string,
): Promise<CreateCommentResponse | undefined> {
  const thread = await findThreadByKey(db, site.id, threadKey);
  if (thread === undefined) return undefined;
  const row = await findCommentByIdempotencyKey(db, thread.id, scopedKey);
  if (row === undefined) return undefined;
  const authors = await loadAuthors(db, site.id, [row]);
  const comment = toPublicComment(row, await countVisibleChildren(db, row.id), authors);
  const editable = editableUntil(deps, row).toISOString();
  return row.user_id === null
    ? { comment, editToken: editTokenFor(deps, row.id, scopedKey), editableUntil: editable }
    : { comment, editableUntil: editable };
}

/**
 * Refusals a retry can meet while its first attempt is being saved (the same post sent twice
 * at once): its guard is spent, its text is a "duplicate", its client over the limit. With
 * an `Idempotency-Key`, the answer is then the first attempt's comment.
 */
const RACE_CODES = new Set(['challenge_failed', 'duplicate_comment', 'rate_limited']);

export async function postComment(
  deps: Deps,
  input: NewComment,
  caller: Caller,
): Promise<CreateCommentResponse> {
  try {
    return await postOnce(deps, input, caller);
  } catch (error) {
    if (
      caller.idempotencyKey !== undefined &&
      error instanceof AppError &&
      RACE_CODES.has(error.code)
    ) {
      const site = await getSite(deps, input.site);
      const key = checkThreadKey(input.thread);
      const scopedKey = `${caller.clientHash ?? 'unknown'}:${caller.idempotencyKey}`;
      // The first attempt may still be on its way to the database: give it a moment.
      for (let wait = 0; key.ok && wait < 20; wait++) {
        const replayed = await findReplay(deps, deps.db, site, key.value, scopedKey);
        if (replayed !== undefined) return replayed;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw error;
  }
}

async function postOnce(
  deps: Deps,
  input: NewComment,
  caller: Caller,
): Promise<CreateCommentResponse> {
  const site = await getSite(deps, input.site);
  assertOriginAllowed(site, caller.origin);
  // A token that does not work is an error, not a silent fallback to posting as a guest.
  const session =
    caller.sessionToken === undefined
      ? null
      : await requireSession(deps, caller.sessionToken, caller.origin, site.id);
  if (session === null && !site.allowGuests) {
    throw new AppError(403, 'guests_not_allowed', { detail: 'Sign in to comment on this site.' });
  }
  const key = checkThreadKey(input.thread);
  const body = checkBody(input.body);
  // Signed-in readers are who their provider says; guest fields are ignored for them.
  const name = session === null ? checkName(input.author?.name ?? '') : ok(session.user.name);
  const email = session === null ? checkEmail(input.author?.email) : ok(null);
  const url = session === null ? checkWebsite(input.author?.url) : ok(null);
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
  if (session === null && impersonates(name.value, await findStaffNames(deps.db, site.id))) {
    throw invalid([
      {
        field: 'author.name',
        code: 'reserved',
        message: 'That name belongs to this site’s staff; please choose another.',
      },
    ]);
  }
  if (input.trap !== undefined && input.trap.trim() !== '') {
    throw new AppError(422, 'spam_suspected', {
      detail: 'A field people cannot see was filled in.',
    });
  }
  // Idempotency keys are the client's own: scoped by its address hash, so nobody else's
  // key can fetch their comment (which may be held for moderation).
  const scopedKey =
    caller.idempotencyKey === undefined
      ? null
      : `${caller.clientHash ?? 'unknown'}:${caller.idempotencyKey}`;
  if (scopedKey !== null) {
    const replayed = await findReplay(deps, deps.db, site, key.value, scopedKey);
    if (replayed !== undefined) return replayed;
  }
  const nowDate = deps.now();
  const userId = session?.user.id ?? null;
  const banCheck = await assertNotBanned(deps.db, site.id, nowDate, {
    userId,
    clientHash: caller.clientHash,
    emailHash: hashEmail(deps.secret, email.value),
  });
  const known = await findThreadByKey(deps.db, site.id, key.value);
  // What would refuse the post anyway is checked before the guard is spent and before it
  // counts against anyone's limits: a bot must not burn a thread's limit with doomed posts.
  if (known?.locked === 1) throw new AppError(403, 'thread_locked');
  if (input.parentId != null) {
    if (known === undefined) throw new AppError(422, 'parent_not_found');
    await placeReply(deps.db, known.id, input.parentId);
  }
  if (session === null && caller.trusted !== true) {
    // Spent at once, in its own statement: a guard is good for one attempt, whatever
    // becomes of it (the widget fetches a fresh one for every send).
    await spendGuard(deps.db, await checkGuard(deps, site, input));
  }
  await enforceRateLimit(deps, clientBucket('comment', site, caller), site.rateLimit);
  if (userId !== null) {
    await enforceRateLimit(deps, `comment-user:${site.id}:${userId}`, site.rateLimit);
  }
  await enforceRateLimit(deps, `comment-thread:${site.id}:${key.value}`, site.threadRateLimit);
  assertNotDuplicate(
    body.value,
    known?.id,
    await findRecentByAuthor(
      deps.db,
      site.id,
      { userId, clientHash: caller.clientHash },
      new Date(nowDate.getTime() - DUPLICATE_WINDOW_MS).toISOString(),
      20,
    ),
    known === undefined
      ? []
      : await findRecentInThread(
          deps.db,
          known.id,
          new Date(nowDate.getTime() - THREAD_DUPLICATE_WINDOW_MS).toISOString(),
          50,
        ),
  );

  const html = deps.renderer.render(body.value);
  const now = nowDate.toISOString();
  const account = userId === null ? undefined : await findUserById(deps.db, userId);
  const staff = session !== null && session.user.role !== null;
  const ruleReason = staff
    ? null
    : ruleHold(site, {
        html,
        texts: [body.value, name.value, email.value, url.value],
        accountCreatedAt: account?.created_at ?? null,
        now: nowDate,
      });
  const insert = (): Promise<CreateCommentResponse> =>
    deps.db.transaction().execute(async (trx) => {
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
      if (scopedKey !== null) {
        const replayed = await findReplay(deps, trx, site, key.value, scopedKey);
        if (replayed !== undefined) return replayed;
      }
      const policy = await initialStatus(trx, site, {
        session,
        name: name.value,
        email: email.value,
      });
      const heldReason: HeldReason | null =
        policy === 'pending' ? 'policy' : banCheck === 'hold' ? 'ban' : ruleReason;
      const parent =
        input.parentId == null ? undefined : await placeReply(trx, thread.id, input.parentId);
      const id = randomUUID();
      const token = editTokenFor(deps, id, scopedKey);
      const row: CommentRow = {
        id,
        thread_id: thread.id,
        parent_id: parent?.id ?? null,
        root_id: parent?.root_id ?? id,
        depth: parent === undefined ? 0 : parent.depth + 1,
        status: heldReason === null ? 'published' : 'pending',
        body_source: body.value,
        body_html: html,
        render_version: deps.renderer.version,
        author_name: name.value,
        author_email: email.value,
        author_url: url.value,
        user_id: session?.user.id ?? null,
        ip_hash: caller.clientHash,
        // Signed-in authors prove authorship with their session, not a token.
        edit_token_hash: session === null ? hashToken(token) : null,
        idempotency_key: scopedKey,
        score: 0,
        pinned: 0,
        created_at: now,
        edited_at: null,
        deleted_at: null,
        held_reason: heldReason,
        spam_check: null,
        email_hash: hashEmail(deps.secret, email.value),
      };
      await insertComment(trx, row);
      if (session !== null) {
        return {
          comment: toPublicComment(row, 0, new Map([[session.user.id, authorOf(session)]])),
          editableUntil: editableUntil(deps, row).toISOString(),
        };
      }
      return {
        comment: toPublicComment(row, 0),
        editToken: token,
        editableUntil: editableUntil(deps, row).toISOString(),
      };
    });
  try {
    const result = await insert();
    if (site.spamCheck && !staff && result.comment.createdAt === now) {
      deps.spam.enqueue({
        commentId: result.comment.id,
        siteId: site.id,
        status: result.comment.status,
        input: {
          blog: site.origins[0] ?? deps.config.publicUrl,
          permalink: pageUrl.value?.href ?? null,
          address: caller.address,
          userAgent: caller.userAgent,
          referrer: caller.referrer,
          type: input.parentId == null ? 'comment' : 'reply',
          authorName: name.value,
          authorEmail: email.value,
          authorUrl: url.value,
          body: body.value,
          createdAt: now,
        },
      });
    }
    return result;
  } catch (error) {
    // Another server process won the race for this idempotency key: answer with its comment.
    if (scopedKey !== null && isUniqueViolation(error)) {
      const replayed = await findReplay(deps, deps.db, site, key.value, scopedKey);
      if (replayed !== undefined) return replayed;
    }
    throw error;
  }
}
