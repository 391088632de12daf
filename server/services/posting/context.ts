/**
 * @module services/posting/context
 * What a post is about, loaded once: the site, the caller and their session, the checked
 * fields, the thread and where a reply hangs, the account, the scoped idempotency key.
 * Built in two steps so the order of checks holds: `openRequest` loads only what the
 * origin and session checks need; `preparePosting` validates the fields (refusing all bad
 * ones at once) and then loads what they name.
 */
import { createHash } from 'node:crypto';
import type { NotifyScope } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError, invalid, type FieldError } from '../../errors.js';
import { findCommentById } from '../../store/comments.js';
import type { CommentRow, ThreadRow } from '../../store/schema.js';
import { findThreadByKey } from '../../store/threads.js';
import { isId, type Caller } from '../common/authorship.js';
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
import { authenticate, type Session } from '../sign-in/sessions.js';
import { getSite, type Site } from '../sites/sites.js';

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
  notify?: boolean | NotifyScope | undefined;
  notifyEmail?: string | undefined;
}

/** The request with its site and session: enough for the origin and session checks. */
export interface PostRequest {
  readonly input: NewComment;
  readonly caller: Caller;
  readonly site: Site;
  /** The signed-in reader; null for a guest, or when the token sent does not work. */
  readonly session: Session | null;
  /** A session token was sent and does not work (expired, revoked, another origin). */
  readonly tokenRefused: boolean;
  readonly now: Date;
}

/** The fields, checked and cleaned. Signed-in authors are who their provider says. */
export interface PostFields {
  readonly key: string;
  readonly body: string;
  readonly name: string;
  readonly email: string | null;
  readonly url: string | null;
  readonly title: string | null;
  readonly pageUrl: URL | null;
  readonly parentId: string | null;
  /** "Notify me": what, and the address it goes to. */
  readonly notify: { readonly scope: NotifyScope; readonly email: string } | null;
}

/** A post with valid fields and everything they name. */
export interface Posting extends PostRequest {
  readonly fields: PostFields;
  /** The thread, when the page has one already. */
  readonly thread: ThreadRow | undefined;
  /** Where a reply hangs (its parent, or the parent's parent at {@link MAX_DEPTH}). */
  readonly parent: CommentRow | undefined;
  /** A reply whose parent is not a published comment of this thread. */
  readonly parentMissing: boolean;
  /** The author is the site's owner or a moderator. */
  readonly staff: boolean;
  /** The client's `Idempotency-Key`, scoped by its address hash; null without one. */
  readonly scopedKey: string | null;
  /** What a retry with the same key must repeat (see replay.ts). */
  readonly requestHash: string;
}

export async function openRequest(
  deps: Deps,
  input: NewComment,
  caller: Caller,
): Promise<PostRequest> {
  const site = await getSite(deps, input.site);
  const token = caller.sessionToken;
  const session =
    token === undefined ? null : await authenticate(deps, token, caller.origin, site.id);
  return {
    input,
    caller,
    site,
    session,
    tokenRefused: token !== undefined && session === null,
    now: deps.now(),
  };
}

/** The fields of `request`, or 422 `validation_failed` naming every bad one. */
function checkFields(request: PostRequest): PostFields {
  const { input, session } = request;
  const ok = <T>(value: T) => ({ ok: true, value }) as const;
  const key = checkThreadKey(input.thread);
  const body = checkBody(input.body);
  const name = session === null ? checkName(input.author?.name ?? '') : ok(session.user.name);
  const email = session === null ? checkEmail(input.author?.email) : ok(null);
  const url = session === null ? checkWebsite(input.author?.url) : ok(null);
  const title = checkTitle(input.threadTitle);
  const pageUrl = checkPageUrl(input.threadUrl);
  const errors = collect(key, body, name, email, url, title, pageUrl);
  const parentId = input.parentId ?? null;
  if (parentId !== null && !isId(parentId)) {
    errors.push({ field: 'parentId', code: 'invalid', message: 'parentId is not a comment id.' });
  }
  if (!key.ok || !body.ok || !name.ok || !email.ok || !url.ok || !title.ok || !pageUrl.ok) {
    throw invalid(errors);
  }
  const notify = checkNotify(
    input,
    session === null ? email.value : null,
    errors,
    session?.user.email ?? null,
  );
  if (errors.length > 0) throw invalid(errors);
  return {
    key: key.value,
    body: body.value,
    name: name.value,
    email: email.value,
    url: url.value,
    title: title.value,
    pageUrl: pageUrl.value,
    parentId,
    notify,
  };
}

/**
 * "Notify me": the scope and the address (a guest's own, or a signed-in reader's
 * `notifyEmail`, else their account's verified address).
 */
function checkNotify(
  input: NewComment,
  guestEmail: string | null,
  errors: FieldError[],
  verifiedEmail: string | null,
): PostFields['notify'] {
  const scope = input.notify === true ? 'all' : input.notify === false ? undefined : input.notify;
  if (scope === undefined) return null;
  const field =
    guestEmail === null && input.notifyEmail !== undefined ? 'notifyEmail' : 'author.email';
  const typed = input.notifyEmail?.trim() === '' ? undefined : input.notifyEmail;
  const given = checkEmail(guestEmail ?? typed ?? verifiedEmail ?? undefined, field);
  if (!given.ok) {
    errors.push(given.error);
    return null;
  }
  if (given.value === null) {
    errors.push({
      field,
      code: 'required',
      message: 'To be emailed about new comments, please give your email address.',
    });
    return null;
  }
  return { scope, email: given.value };
}

/** SHA-256 of what makes two posts the same post: where, what, and by whom. */
function hashRequest(fields: PostFields, session: Session | null): string {
  const who = session === null ? [fields.name, fields.email, fields.url] : [session.user.id];
  return createHash('sha256')
    .update(JSON.stringify([fields.key, fields.parentId, fields.body, ...who]))
    .digest('base64url');
}

/** Where a reply to `parentId` hangs in `thread`, or undefined when it cannot. */
async function placeReply(
  deps: Deps,
  thread: ThreadRow,
  parentId: string,
): Promise<CommentRow | undefined> {
  const parent = await findCommentById(deps.db, parentId);
  if (parent === undefined || parent.thread_id !== thread.id || parent.status !== 'published') {
    return undefined;
  }
  if (parent.depth < MAX_DEPTH || parent.parent_id === null) return parent;
  return (await findCommentById(deps.db, parent.parent_id)) ?? parent;
}

/** Validates the fields (check "validFields"), then loads what they name, once. */
export async function preparePosting(deps: Deps, request: PostRequest): Promise<Posting> {
  const fields = checkFields(request);
  const { site, session, caller } = request;
  const pageUrl = fields.pageUrl;
  if (pageUrl !== null && !site.origins.includes(pageUrl.origin)) {
    throw new AppError(403, 'origin_not_allowed', {
      detail: `threadUrl ${pageUrl.origin} is not one of the site's origins.`,
    });
  }
  const thread = await findThreadByKey(deps.db, site.id, fields.key);
  const parent =
    fields.parentId === null || thread === undefined
      ? undefined
      : await placeReply(deps, thread, fields.parentId);
  return {
    ...request,
    fields,
    thread,
    parent,
    parentMissing: fields.parentId !== null && parent === undefined,
    staff: session !== null && session.user.role !== null,
    scopedKey:
      caller.idempotencyKey === undefined
        ? null
        : `${caller.clientHash ?? 'unknown'}:${caller.idempotencyKey}`,
    requestHash: hashRequest(fields, session),
  };
}
