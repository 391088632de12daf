/**
 * @module admin/text
 * What the moderation app says when something fails: the server's own words (a problem's
 * `detail`, else its `title`), which for moderators are clearer than a translation, or a
 * plain sentence when the server could not be reached.
 */
import type { OutboxStatus, TestMailResponse, WebhookFormat } from '../server/contract.js';
import { ApiError, NetworkError } from '../widget/api/errors.js';

/** A sentence for the moderator about why `e` happened. */
export function errorText(e: unknown): string {
  if (e instanceof NetworkError)
    return 'Could not reach the server. Check your connection and try again.';
  if (e instanceof ApiError) {
    const { detail, title, retryAfter } = e.problem;
    const text = detail ?? (title || e.code);
    return e.code === 'rate_limited' && retryAfter ? `${text} Try again in ${retryAfter} s.` : text;
  }
  return 'Something went wrong.';
}

/** A form field's text (a file field, or none, is ''). */
export const text = (value: FormDataEntryValue | null): string =>
  typeof value === 'string' ? value : '';

/** "1 comment", "3 comments". */
export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n} ${n === 1 ? one : many}`;

/** A time as the moderator's locale writes it. */
export const when = (iso: string): string => new Date(iso).toLocaleString();

/** An outbox row's status, as the outbox panel names it. */
export const OUTBOX_STATUS: Record<OutboxStatus, string> = {
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed (will be tried again)',
  gave_up: 'Given up',
  kept: 'Kept (not sent)',
  cancelled: 'Cancelled',
};

/** What an outbox row is for; a webhook's event (`comment.created`) is shown as it is. */
export const OUTBOX_KIND: Record<string, string> = {
  confirm: 'Confirm address',
  new_comment: 'New comment',
  reply: 'Reply',
  owner_new: 'New comment (owner)',
  owner_held: 'Held comment (owner)',
  digest: 'Digest',
  test: 'Test email',
};

/** The outbox panel without a mail server. */
export const NO_MAILER = 'No mail server: mail is kept here, not sent (set CONFAB_SMTP_URL).';

/** What became of a test mail (`POST /test-mail`), in a sentence. */
export function testMailText(r: TestMailResponse): string {
  if (r.status === 'sent') return `Sent a test email to ${r.to} via ${r.via ?? 'the mail server'}.`;
  if (r.status === 'failed')
    return `The test email to ${r.to} failed: ${r.error ?? 'no reason given'}. It will be tried again.`;
  if (r.status === 'kept') return `${NO_MAILER} The test email to ${r.to} is in the outbox.`;
  return `The test email to ${r.to} is ${r.status}.`;
}

/** A webhook's body format, as the webhooks panel names it. */
export const WEBHOOK_FORMAT: Record<WebhookFormat, string> = {
  json: 'Confab JSON (signed)',
  slack: 'Slack',
  discord: 'Discord',
  telegram: 'Telegram',
};
