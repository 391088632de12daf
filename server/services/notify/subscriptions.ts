/**
 * @module services/notify/subscriptions
 * "Notify me of new comments via email": a reader's subscription to a thread, all new
 * comments or replies to them. It starts `pending` and a confirmation mail goes out in the
 * same transaction as the comment (double opt-in: nothing else is sent to the address
 * until its owner presses the button the mail links to). A signed-in reader's own verified
 * address (proven by the emailed sign-in, or vouched for by their provider) needs no such
 * proof: it is `active` at once, and no confirmation is mailed. Unsubscribing is one signed
 * link, also posted by mail clients (RFC 8058); after it nothing more comes.
 */
import { randomUUID } from 'node:crypto';
import type { NotifyScope, NotifyState } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { Db } from '../../store/dialect.js';
import type { ThreadRow } from '../../store/schema.js';
import {
  findSubscription,
  findSubscriptionById,
  insertSubscription,
  updateSubscription,
} from '../../store/subscriptions.js';
import { countSentTo } from '../../store/outbox.js';
import { findThreadById } from '../../store/threads.js';
import { findUserById } from '../../store/users.js';
import { getSite, type Site } from '../sites/sites.js';
import { confirmMail } from './compose.js';
import { confirmLink, unsubscribeLink, verifyLink } from './links.js';
import { threadForMail } from './notifier.js';
import { enqueue, messageIdFor } from './outbox.js';

/** A new confirmation for the same thread and address waits at least this long. */
const RECONFIRM_MS = 3_600_000;

export interface SubscribeRequest {
  site: Site;
  thread: ThreadRow;
  email: string;
  userId: string | null;
  scope: NotifyScope;
  /** The comment posted with the request: its confirmation waits while it is held. */
  commentId: string;
}

/** Confirmations to one address per day, whatever the thread. */
export const MAX_CONFIRMATIONS_PER_DAY = 3;

async function mailConfirmation(
  deps: Deps,
  trx: Db,
  request: SubscribeRequest,
  id: string,
  at: string,
): Promise<void> {
  const since = new Date(Date.parse(at) - 86_400_000).toISOString();
  if ((await countSentTo(trx, request.email, 'confirm', since)) >= MAX_CONFIRMATIONS_PER_DAY) {
    return;
  }
  const key = `confirm:${id}:${at}`;
  await enqueue(trx, deps.now(), {
    key,
    channel: 'email',
    kind: 'confirm',
    siteId: request.site.id,
    commentId: request.commentId,
    recipient: request.email,
    payload: confirmMail({
      to: request.email,
      messageId: messageIdFor(key, deps.config.publicUrl),
      siteName: request.site.name,
      thread: threadForMail(request.site, request.thread),
      scope: request.scope,
      confirmUrl: confirmLink(deps.config.publicUrl, deps.secret, id),
      unsubscribeUrl: unsubscribeLink(deps.config.publicUrl, deps.secret, id),
    }),
  });
}

/** Whether `email` is the verified address of the account `userId` (read in `trx`). */
async function isVerifiedFor(trx: Db, userId: string | null, email: string): Promise<boolean> {
  if (userId === null) return false;
  const verified = (await findUserById(trx, userId))?.email ?? null;
  return verified !== null && verified.toLowerCase() === email;
}

/**
 * The account's own verified address: active at once, whatever it was before (pending,
 * confirmed by someone, or unsubscribed: the address's proven owner asks, signed in).
 */
async function subscribeVerified(
  trx: Db,
  request: SubscribeRequest & { email: string },
  at: string,
): Promise<NotifyState> {
  const found = await findSubscription(trx, request.thread.id, request.email);
  if (found === undefined) {
    await insertSubscription(trx, {
      id: randomUUID(),
      site_id: request.site.id,
      thread_id: request.thread.id,
      email: request.email,
      user_id: request.userId,
      scope: request.scope,
      status: 'active',
      created_at: at,
      confirmed_at: at,
      unsubscribed_at: null,
    });
  } else {
    await updateSubscription(trx, found.id, {
      scope: request.scope,
      user_id: request.userId,
      ...(found.status === 'active'
        ? {}
        : { status: 'active', confirmed_at: at, unsubscribed_at: null }),
    });
  }
  return { scope: request.scope, status: 'active' };
}

/**
 * Subscribes the address to the thread in the caller's transaction. The signed-in
 * reader's own verified address is active at once. Any other new address is
 * mailed a confirmation (at most one an hour per thread, {@link MAX_CONFIRMATIONS_PER_DAY}
 * a day per address, and only once the comment is published); a confirmed one changes only
 * for the account that made it; an unsubscribed one is never asked again.
 */
export async function subscribe(
  deps: Deps,
  trx: Db,
  request: SubscribeRequest,
): Promise<NotifyState> {
  const email = request.email.toLowerCase();
  const at = deps.now().toISOString();
  const req = { ...request, email };
  if (await isVerifiedFor(trx, request.userId, email)) return subscribeVerified(trx, req, at);
  const found = await findSubscription(trx, request.thread.id, email);
  if (found === undefined) {
    const id = randomUUID();
    await insertSubscription(trx, {
      id,
      site_id: request.site.id,
      thread_id: request.thread.id,
      email,
      user_id: request.userId,
      scope: request.scope,
      status: 'pending',
      created_at: at,
      confirmed_at: null,
      unsubscribed_at: null,
    });
    await mailConfirmation(deps, trx, req, id, at);
    return { scope: request.scope, status: 'pending' };
  }
  // A confirmed subscription changes only at its owner's hand: the same account. Anyone
  // else naming the address is told nothing about it (and nothing is mailed).
  if (found.status === 'active') {
    const same = request.userId !== null && request.userId === found.user_id;
    if (same) await updateSubscription(trx, found.id, { scope: request.scope });
    return { scope: request.scope, status: same ? 'active' : 'pending' };
  }
  // "Never ask me again for this post": an unsubscribed address is not asked again.
  if (found.status === 'unsubscribed') return { scope: request.scope, status: 'pending' };
  const again = Date.parse(at) - Date.parse(found.created_at) >= RECONFIRM_MS;
  await updateSubscription(trx, found.id, {
    scope: request.scope,
    ...(again ? { created_at: at } : {}),
  });
  if (again) await mailConfirmation(deps, trx, req, found.id, at);
  return { scope: request.scope, status: 'pending' };
}

/** What a subscription page shows. */
export interface SubscriptionView {
  email: string;
  scope: NotifyScope;
  status: string;
  siteName: string;
  threadTitle: string;
  threadUrl: string;
}

async function load(
  deps: Deps,
  purpose: 'confirm' | 'unsubscribe',
  id: string | undefined,
  signature: string | undefined,
) {
  if (id === undefined || !verifyLink(deps.secret, purpose, [id], signature)) {
    throw new AppError(403, 'invalid_link', {
      detail: 'This link is not valid. Use the one in the email as it came.',
    });
  }
  const sub = await findSubscriptionById(deps.db, id);
  const thread = sub === undefined ? undefined : await findThreadById(deps.db, sub.thread_id);
  if (sub === undefined || thread === undefined) {
    throw new AppError(404, 'not_found', {
      detail: 'This subscription is gone (the post or the comments were removed).',
    });
  }
  const site = await getSite(deps, sub.site_id);
  const mailThread = threadForMail(site, thread);
  const view: SubscriptionView = {
    email: sub.email,
    scope: sub.scope === 'replies' ? 'replies' : 'all',
    status: sub.status,
    siteName: site.name,
    threadTitle: mailThread.title,
    threadUrl: mailThread.url,
  };
  return { sub, view };
}

/** The subscription a signed link names (for the page before the button). */
export async function viewSubscription(
  deps: Deps,
  purpose: 'confirm' | 'unsubscribe',
  id: string | undefined,
  signature: string | undefined,
): Promise<SubscriptionView> {
  return (await load(deps, purpose, id, signature)).view;
}

/** The button on the confirmation page: the subscription becomes active. */
export async function confirmSubscription(
  deps: Deps,
  id: string | undefined,
  signature: string | undefined,
): Promise<SubscriptionView> {
  const { sub, view } = await load(deps, 'confirm', id, signature);
  if (sub.status === 'unsubscribed') {
    throw new AppError(409, 'invalid_state', {
      detail: 'This address was unsubscribed; tick the box under a new comment to start again.',
    });
  }
  if (sub.status !== 'active') {
    await updateSubscription(deps.db, sub.id, {
      status: 'active',
      confirmed_at: deps.now().toISOString(),
    });
  }
  return { ...view, status: 'active' };
}

/** The unsubscribe button, or a mail client's one-click POST: nothing more is sent. */
export async function unsubscribe(
  deps: Deps,
  id: string | undefined,
  signature: string | undefined,
): Promise<SubscriptionView> {
  const { sub, view } = await load(deps, 'unsubscribe', id, signature);
  if (sub.status !== 'unsubscribed') {
    await updateSubscription(deps.db, sub.id, {
      status: 'unsubscribed',
      unsubscribed_at: deps.now().toISOString(),
    });
  }
  return { ...view, status: 'unsubscribed' };
}
