/**
 * @module services/notify/admin-outbox
 * A site's outbox as `/admin` shows it: the newest rows first with why each is not sent, one
 * row with the mail (or webhook body) exactly as it goes out, "Send again" for a row that
 * failed, gave up or was kept, and "Send a test email". Nothing here sends a row twice: a
 * sent row is refused (`409 already_sent`), and a row is made due and claimed through the
 * outbox's own claim, so a sender that took it meanwhile wins and this answers with its
 * result.
 */
import type {
  OutboxItem,
  OutboxMessageResponse,
  OutboxResponse,
  OutboxSendResponse,
  OutboxStatus,
  TestMailResponse,
} from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError, invalid } from '../../errors.js';
import {
  countOfSiteSince,
  countOutbox,
  findOutboxById,
  pageOutboxOfSite,
  requeueOutbox,
} from '../../store/outbox.js';
import type { OutboxRow } from '../../store/schema.js';
import { decodePosition, encodePosition } from '../common/positions.js';
import { recordAudit } from '../moderation/audit.js';
import type { Actor } from '../moderation/staff.js';
import type { Site } from '../sites/sites.js';
import type { MailMessage } from './mailer.js';
import { deliverRow } from './outbox.js';
import { sendTestMail } from './test-mail.js';
import type { WebhookCall } from './webhook-send.js';

export const OUTBOX_STATUSES = [
  'queued',
  'sending',
  'sent',
  'failed',
  'gave_up',
  'kept',
  'cancelled',
] as const satisfies readonly OutboxStatus[];

/** What "Send again" takes: a kept row only while a mail server is configured. */
const RESENDABLE: readonly OutboxStatus[] = ['failed', 'gave_up', 'kept'];

/** Test mails per site per hour: an owner cannot turn the server into a mail cannon. */
const TEST_MAILS_PER_HOUR = 10;
const HOUR_MS = 3_600_000;

const PAGE_DEFAULT = 50;
const PAGE_MAX = 100;

const isStatus = (value: string): value is OutboxStatus =>
  (OUTBOX_STATUSES as readonly string[]).includes(value);

/** The stored JSON, or undefined when a row holds something else (it never should). */
function payloadOf(row: OutboxRow): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(row.payload);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function itemOf(deps: Deps, row: OutboxRow): OutboxItem {
  const status = isStatus(row.status) ? row.status : 'queued';
  const channel = row.channel === 'webhook' ? 'webhook' : 'email';
  const subject = channel === 'email' ? payloadOf(row)?.subject : undefined;
  return {
    id: row.id,
    channel,
    kind: row.kind,
    recipient: row.recipient,
    subject: typeof subject === 'string' ? subject : null,
    status,
    attempts: row.attempts,
    lastError: row.last_error,
    // Only a waiting row has a next attempt; a `sending` row's time is its sender's lease.
    nextAttemptAt: status === 'queued' || status === 'failed' ? row.next_attempt_at : null,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    canSendAgain:
      status === 'failed' ||
      status === 'gave_up' ||
      (status === 'kept' && deps.mailer !== undefined),
  };
}

function pageSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return PAGE_DEFAULT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > PAGE_MAX) {
    throw invalid([
      {
        field: 'limit',
        code: 'invalid',
        message: `limit is a whole number from 1 to ${PAGE_MAX}.`,
      },
    ]);
  }
  return n;
}

function statusFilter(raw: string | undefined): OutboxStatus | undefined {
  if (raw === undefined || raw === '' || raw === 'all') return undefined;
  if (!isStatus(raw)) {
    throw invalid([
      {
        field: 'status',
        code: 'invalid',
        message: `status is all or one of ${OUTBOX_STATUSES.join(', ')}.`,
      },
    ]);
  }
  return raw;
}

/** A page of the site's outbox, newest first, with the counts per status and the mailer. */
export async function readOutbox(
  deps: Deps,
  site: Site,
  query: { status?: string | undefined; cursor?: string | undefined; limit?: string | undefined },
): Promise<OutboxResponse> {
  const status = statusFilter(query.status);
  const limit = pageSize(query.limit);
  const after = decodePosition(query.cursor);
  const rows = await pageOutboxOfSite(deps.db, site.id, { status, after }, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const stored = await countOutbox(deps.db, site.id);
  const counts = Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, stored[s] ?? 0])) as Record<
    OutboxStatus,
    number
  >;
  return {
    items: page.map((row) => itemOf(deps, row)),
    counts,
    mailer: deps.mailer?.description ?? null,
    nextCursor:
      rows.length > limit && last !== undefined
        ? encodePosition({ createdAt: last.created_at, id: last.id })
        : null,
  };
}

/** One of the site's rows, or 404: a row of another site is not found here either. */
async function rowOfSite(deps: Deps, site: Site, id: string): Promise<OutboxRow> {
  const row = await findOutboxById(deps.db, id);
  if (row?.site_id !== site.id) {
    throw new AppError(404, 'not_found', { detail: 'No such message in this site’s outbox.' });
  }
  return row;
}

/** One row with its mail (subject, text, HTML part, headers) or webhook body as sent. */
export async function readOutboxMessage(
  deps: Deps,
  site: Site,
  id: string,
): Promise<OutboxMessageResponse> {
  const row = await rowOfSite(deps, site, id);
  const payload = payloadOf(row) ?? {};
  const str = (value: unknown): string => (typeof value === 'string' ? value : '');
  let mail: OutboxMessageResponse['mail'] = null;
  let webhook: OutboxMessageResponse['webhook'] = null;
  if (row.channel === 'webhook') {
    const call = payload as Partial<WebhookCall>;
    webhook = { webhookId: str(call.webhookId), event: str(call.event), body: str(call.body) };
  } else {
    const message = payload as Partial<MailMessage>;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      if (typeof value === 'string') headers[name] = value;
    }
    mail = {
      to: str(message.to),
      subject: str(message.subject),
      text: str(message.text),
      html: str(message.html),
      headers,
      messageId: str(message.messageId),
    };
  }
  return { item: itemOf(deps, row), mail, webhook };
}

/** Why `row` cannot be sent again now, as the answer says it; undefined when it can. */
function refusal(deps: Deps, row: OutboxRow): AppError | undefined {
  switch (row.status) {
    case 'sent':
      return new AppError(409, 'already_sent', {
        detail: `It was sent${row.sent_at === null ? '' : ` at ${row.sent_at}`}; it is never sent twice.`,
      });
    case 'queued':
    case 'sending':
      return new AppError(409, 'not_resendable', {
        detail: `It is ${row.status === 'queued' ? 'waiting to be sent' : 'being sent'} already.`,
      });
    case 'cancelled':
      return new AppError(409, 'not_resendable', {
        detail: `It was cancelled: ${row.last_error ?? 'it was no longer wanted'}`,
      });
    case 'kept':
      return row.channel === 'email' && deps.mailer === undefined
        ? new AppError(409, 'no_mailer', {
            detail: 'Set CONFAB_SMTP_URL and restart the server; then it can be sent.',
          })
        : undefined;
    default:
      return RESENDABLE.includes(row.status as OutboxStatus)
        ? undefined
        : new AppError(409, 'not_resendable');
  }
}

/**
 * "Send again": makes a failed, given-up or kept row due now and tries it at once (one
 * attempt; a given-up row that fails again stays given up). Answers the row afterwards.
 */
export async function sendAgain(deps: Deps, who: Actor, id: string): Promise<OutboxSendResponse> {
  const row = await rowOfSite(deps, who.site, id);
  const refused = refusal(deps, row);
  if (refused !== undefined) throw refused;
  const now = deps.now();
  if (!(await requeueOutbox(deps.db, row, RESENDABLE, now.toISOString()))) {
    // Changed since it was read (another click, the sender): say what it is now.
    throw refusal(deps, await rowOfSite(deps, who.site, id)) ?? new AppError(409, 'not_resendable');
  }
  await recordAudit(deps.db, now, {
    siteId: who.site.id,
    actor: who.actor,
    action: 'outbox_send',
    targetType: 'site',
    targetId: who.site.id,
    detail: { outbox: row.id, kind: row.kind, recipient: row.recipient, was: row.status },
  });
  const due = await rowOfSite(deps, who.site, id);
  // Null when the background sender claimed it first: its result is what the row says.
  await deliverRow(deps, due);
  return { item: itemOf(deps, await rowOfSite(deps, who.site, id)) };
}

/** "Send a test email" for a site: at most {@link TEST_MAILS_PER_HOUR} an hour per site. */
export async function sendSiteTestMail(
  deps: Deps,
  who: Actor,
  to: string,
): Promise<TestMailResponse> {
  const now = deps.now();
  const since = new Date(now.getTime() - HOUR_MS).toISOString();
  const recent = await countOfSiteSince(deps.db, who.site.id, 'test', since);
  if (recent.n >= TEST_MAILS_PER_HOUR) {
    const oldest = recent.oldest === null ? now.getTime() : Date.parse(recent.oldest);
    const retryAfter = Math.max(1, Math.ceil((oldest + HOUR_MS - now.getTime()) / 1000));
    throw new AppError(429, 'rate_limited', {
      detail: `At most ${TEST_MAILS_PER_HOUR} test emails an hour; try again in ${retryAfter} s.`,
      retryAfter,
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
  const result = await sendTestMail(deps, to, who.site.id);
  await recordAudit(deps.db, now, {
    siteId: who.site.id,
    actor: who.actor,
    action: 'test_mail',
    targetType: 'site',
    targetId: who.site.id,
    detail: { to: result.to, status: result.status },
  });
  return result;
}
