/**
 * @module services/notify/outbox
 * The outbox: every mail (and webhook call) is a row before anything is sent, written in
 * the transaction that decided to send it, keyed per event and recipient so it is added
 * once. The sender claims due rows, sends them, and marks each `sent`; a failure is kept
 * with its reason and tried again later (1 minute, then longer, up to a day apart) until
 * `MAX_ATTEMPTS`, then `gave_up`. A sender that dies mid-send leaves its row `sending`
 * with a lease; once the lease runs out the row is sent again with the same Message-ID,
 * so a receiving server that already took it can tell. Without a mail server the row is
 * `kept`: readable in `/admin`, never sent.
 */
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import type { Db } from '../../store/dialect.js';
import { findCommentById } from '../../store/comments.js';
import {
  claimOutbox,
  findDueOutbox,
  findNextDue,
  insertOutbox,
  updateOutbox,
} from '../../store/outbox.js';
import type { OutboxRow } from '../../store/schema.js';
import { findSubscription } from '../../store/subscriptions.js';
import { findWebhookById } from '../../store/webhooks.js';
import { findSite } from '../sites/sites.js';
import type { MailMessage } from './mailer.js';
import { deliverWebhook } from './webhook-send.js';

export const MAX_ATTEMPTS = 8;
/** Waits before attempt 2, 3, ... (the last repeats). */
const BACKOFF_MS = [
  60_000,
  5 * 60_000,
  15 * 60_000,
  3_600_000,
  3 * 3_600_000,
  6 * 3_600_000,
  12 * 3_600_000,
  24 * 3_600_000,
];
/** How long a sender may take over one row before another may take it. */
const LEASE_MS = 5 * 60_000;

export const NO_MAILER =
  'No mail server is configured (CONFAB_SMTP_URL); the mail is kept here and not sent.';

/** Mail to subscribed readers: only while the comment is published and they subscribed. */
const READER_KINDS = new Set(['new_comment', 'reply']);
/** Mail to the site's alert addresses: only while the address still gets alerts. */
const OWNER_KINDS = new Set(['owner_new', 'owner_held', 'digest']);

export interface OutboxEntry {
  /** Unique per event and recipient (`reader:<comment id>:<address>`). */
  key: string;
  channel: 'email' | 'webhook';
  kind: string;
  siteId: string | null;
  commentId: string | null;
  recipient: string;
  payload: MailMessage | Readonly<Record<string, unknown>>;
}

/** Adds `entry` in the caller's transaction unless its key is there; true when added. */
export function enqueue(trx: Db, now: Date, entry: OutboxEntry): Promise<boolean> {
  const at = now.toISOString();
  return insertOutbox(trx, {
    id: randomUUID(),
    key: entry.key,
    channel: entry.channel,
    kind: entry.kind,
    site_id: entry.siteId,
    comment_id: entry.commentId,
    recipient: entry.recipient,
    payload: JSON.stringify(entry.payload),
    status: 'queued',
    attempts: 0,
    last_error: null,
    next_attempt_at: at,
    created_at: at,
    sent_at: null,
  });
}

/** A stable Message-ID for an outbox key: the same on every attempt. */
export function messageIdFor(key: string, publicUrl: string): string {
  const host = new URL(publicUrl).hostname || 'localhost';
  return `${Buffer.from(key).toString('base64url').slice(0, 180)}@${host}`;
}

export interface DeliveryResult {
  sent: number;
  failed: number;
  kept: number;
  cancelled: number;
}

function errorText(error: unknown): string {
  const code = (error as { code?: unknown; responseCode?: unknown } | null) ?? {};
  const message = error instanceof Error ? error.message : String(error);
  const prefix = typeof code.code === 'string' ? `${code.code}: ` : '';
  return `${prefix}${message}`.slice(0, 500);
}

/** While a confirmation's comment is held, it is looked at again this often. */
const HELD_WAIT_MS = 10 * 60_000;
const WAIT = 'wait';

/**
 * Whether a row is still wanted: a reason to cancel it, {@link WAIT} (its comment is
 * held: a confirmation goes once it is approved), or null to send it.
 */
async function unwanted(deps: Deps, row: OutboxRow): Promise<string | null> {
  if (row.channel === 'webhook') {
    const hook = await findWebhookById(deps.db, row.recipient.replace(/^webhook:/, ''));
    if (hook === undefined) return 'The webhook was removed.';
  }
  const comment =
    row.comment_id === null ? undefined : await findCommentById(deps.db, row.comment_id);
  if (row.comment_id !== null) {
    if (comment === undefined || comment.status === 'deleted' || comment.status === 'spam') {
      return 'The comment was removed.';
    }
    if (comment.status !== 'published') {
      if (READER_KINDS.has(row.kind)) return 'The comment is not published.';
      if (row.kind === 'confirm') return WAIT;
    }
  }
  if (READER_KINDS.has(row.kind) && comment !== undefined) {
    const sub = await findSubscription(deps.db, comment.thread_id, row.recipient);
    if (sub?.status !== 'active') return 'The reader unsubscribed.';
  }
  if (row.kind === 'confirm' && comment !== undefined) {
    const sub = await findSubscription(deps.db, comment.thread_id, row.recipient);
    if (sub?.status !== 'pending') return 'Nothing to confirm any more.';
  }
  if (OWNER_KINDS.has(row.kind) && row.site_id !== null) {
    const site = await findSite(deps, row.site_id);
    if (site === undefined || !site.alertEmails.some((e) => e.toLowerCase() === row.recipient)) {
      return 'Alerts to this address were turned off.';
    }
  }
  return null;
}

async function send(deps: Deps, row: OutboxRow): Promise<void> {
  if (row.channel === 'email') {
    if (deps.mailer === undefined) throw new Error(NO_MAILER);
    await deps.mailer.send(JSON.parse(row.payload) as MailMessage);
    return;
  }
  if (row.channel === 'webhook') {
    await deliverWebhook(deps, row.payload, row.id);
    return;
  }
  throw new Error(`no transport for ${row.channel}`);
}

export type Outcome = 'sent' | 'failed' | 'kept' | 'cancelled';

/** Claims and sends one row read just now; null when another sender has it. */
export async function deliverRow(deps: Deps, row: OutboxRow): Promise<Outcome | null> {
  const lease = new Date(deps.now().getTime() + LEASE_MS).toISOString();
  if (!(await claimOutbox(deps.db, row, lease))) return null;
  const attempts = row.attempts + 1;
  const unwantedBecause = await unwanted(deps, row);
  if (unwantedBecause === WAIT) {
    await updateOutbox(deps.db, row.id, {
      status: 'queued',
      last_error: 'Waits until the comment is approved.',
      next_attempt_at: new Date(deps.now().getTime() + HELD_WAIT_MS).toISOString(),
    });
    return null;
  }
  if (unwantedBecause !== null) {
    await updateOutbox(deps.db, row.id, { status: 'cancelled', last_error: unwantedBecause });
    return 'cancelled';
  }
  if (row.channel === 'email' && deps.mailer === undefined) {
    await updateOutbox(deps.db, row.id, { status: 'kept', last_error: NO_MAILER });
    return 'kept';
  }
  try {
    await send(deps, row);
    await updateOutbox(deps.db, row.id, {
      status: 'sent',
      attempts,
      last_error: null,
      sent_at: deps.now().toISOString(),
    });
    return 'sent';
  } catch (error) {
    const giveUp = attempts >= MAX_ATTEMPTS;
    const wait = BACKOFF_MS[Math.min(attempts - 1, BACKOFF_MS.length - 1)] ?? LEASE_MS;
    const reason = errorText(error);
    await updateOutbox(deps.db, row.id, {
      status: giveUp ? 'gave_up' : 'failed',
      attempts,
      last_error: reason,
      next_attempt_at: new Date(deps.now().getTime() + wait).toISOString(),
    });
    deps.logger.error(
      `${row.channel} ${row.kind} to ${row.recipient} failed (attempt ${attempts}${giveUp ? ', giving up' : ''}): ${reason}`,
    );
    return 'failed';
  }
}

/** Sends what is due now, oldest first, one at a time; says what became of it. */
export async function deliverDue(deps: Deps, limit = 100): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, failed: 0, kept: 0, cancelled: 0 };
  for (const row of await findDueOutbox(deps.db, deps.now().toISOString(), limit)) {
    const outcome = await deliverRow(deps, row);
    if (outcome !== null) result[outcome] += 1;
  }
  return result;
}

/** When the next row is due (for the sender's timer), or undefined. */
export async function nextDue(deps: Deps): Promise<Date | undefined> {
  const at = await findNextDue(deps.db);
  return at === undefined ? undefined : new Date(at);
}

/** Makes a failed or given-up row due now (`/admin`'s "Try again"). */
export async function retryNow(deps: Deps, row: OutboxRow): Promise<void> {
  await updateOutbox(deps.db, row.id, {
    status: 'queued',
    next_attempt_at: deps.now().toISOString(),
  });
}
