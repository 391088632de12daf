/**
 * @module services/notify/webhooks
 * Webhooks per site: a POST of JSON for each new public or held comment and each approval,
 * through the outbox (so retried like mail, and inspectable). `json` is Confab's own event;
 * `slack`, `discord` and `telegram` are the bodies those services' incoming webhooks and bot
 * API take. Every call is signed: `Confab-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" with the webhook's secret>`, so a receiver can check it came from this server
 * and is fresh.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { invalid } from '../../errors.js';
import type { Db } from '../../store/dialect.js';
import type { CommentRow, ThreadRow, WebhookRow } from '../../store/schema.js';
import { deleteWebhook, findWebhooksOfSite, insertWebhook } from '../../store/webhooks.js';
import type { LoggedEvent } from '../events/log.js';
import { getSite, type Site } from '../sites/sites.js';
import { headerText, permalink, type MailComment, type MailThread } from './compose.js';
import { enqueue } from './outbox.js';
import type { WebhookCall } from './webhook-send.js';

export const WEBHOOK_FORMATS = ['json', 'slack', 'discord', 'telegram'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface Webhook {
  id: string;
  site: string;
  url: string;
  format: WebhookFormat;
  createdAt: string;
}

const isFormat = (value: string): value is WebhookFormat =>
  (WEBHOOK_FORMATS as readonly string[]).includes(value);

function view(row: WebhookRow): Webhook {
  return {
    id: row.id,
    site: row.site_id,
    url: row.url,
    format: isFormat(row.format) ? row.format : 'json',
    createdAt: row.created_at,
  };
}

/** Adds a webhook; the answer carries its secret, shown this once. */
export async function addWebhook(
  deps: Deps,
  input: { site: string; url: string; format?: string },
): Promise<Webhook & { secret: string }> {
  await getSite(deps, input.site);
  const refuse = (field: string, message: string): never => {
    throw invalid([{ field, code: 'invalid', message }]);
  };
  let url: URL | undefined;
  try {
    url = new URL(input.url);
  } catch {
    refuse('url', `"${input.url}" is not a URL.`);
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return refuse('url', 'A webhook URL is http:// or https://.');
  }
  const format = input.format ?? 'json';
  if (!isFormat(format))
    return refuse('format', `The format is one of ${WEBHOOK_FORMATS.join(', ')}.`);
  if (format === 'telegram' && !url.searchParams.has('chat_id')) {
    refuse(
      'url',
      'A Telegram URL is https://api.telegram.org/bot<token>/sendMessage?chat_id=<chat>.',
    );
  }
  const row: WebhookRow = {
    id: randomUUID(),
    site_id: input.site,
    url: url.href,
    format,
    secret: randomBytes(24).toString('base64url'),
    created_at: deps.now().toISOString(),
  };
  await insertWebhook(deps.db, row);
  return { ...view(row), secret: row.secret };
}

export async function listWebhooks(deps: Deps, site: string): Promise<Webhook[]> {
  return (await findWebhooksOfSite(deps.db, site)).map(view);
}

export async function removeWebhook(deps: Deps, id: string): Promise<boolean> {
  return deleteWebhook(deps.db, id);
}

const SAID: Record<string, string> = {
  'comment.created': 'New comment',
  'comment.approved': 'Approved comment',
};

function bodyFor(
  format: WebhookFormat,
  hook: WebhookRow,
  event: LoggedEvent,
  site: Site,
  thread: MailThread & { key: string },
  row: CommentRow,
  comment: MailComment,
): string {
  const link = permalink(thread, row.id);
  const title = headerText(thread.title, 80);
  const name = headerText(comment.authorName, 60);
  const held = row.status === 'pending' ? ' (held for review)' : '';
  const text = comment.source.length > 1000 ? `${comment.source.slice(0, 999)}…` : comment.source;
  const line = `${SAID[event.kind] ?? event.kind}${held} by ${name} on “${title}”`;
  switch (format) {
    case 'slack': {
      // Slack reads <…> as links and mentions (`<!channel>`): & < > must be escaped.
      const esc = (t: string) =>
        t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      return JSON.stringify({
        text: `${esc(line)}: <${link}|read it>\n>${esc(text).replace(/\n/g, '\n>')}`,
      });
    }
    case 'discord':
      return JSON.stringify({
        content: `${line}: ${link}\n>>> ${text}`,
        allowed_mentions: { parse: [] },
      });
    case 'telegram':
      return JSON.stringify({
        chat_id: new URL(hook.url).searchParams.get('chat_id'),
        text: `${line}\n\n${text}\n\n${link}`,
        disable_web_page_preview: true,
      });
    case 'json':
      return JSON.stringify({
        type: event.kind,
        eventId: event.id,
        site: site.id,
        createdAt: event.createdAt,
        thread: { key: thread.key, title: thread.title, url: thread.url },
        comment: {
          id: row.id,
          parentId: row.parent_id,
          status: row.status,
          author: { name: comment.authorName },
          text: comment.source,
          html: comment.html,
          url: link,
          createdAt: row.created_at,
        },
      });
  }
}

/** Adds a call per webhook of the site for `event`, in the consumer's transaction. */
export async function queueWebhooks(
  deps: Deps,
  trx: Db,
  event: LoggedEvent,
  data: {
    site: Site;
    thread: ThreadRow;
    mailThread: MailThread;
    row: CommentRow;
    comment: MailComment;
  },
): Promise<void> {
  for (const hook of await findWebhooksOfSite(trx, data.site.id)) {
    const format = isFormat(hook.format) ? hook.format : 'json';
    const call: WebhookCall = {
      webhookId: hook.id,
      event: event.kind,
      body: bodyFor(
        format,
        hook,
        event,
        data.site,
        { ...data.mailThread, key: data.thread.key },
        data.row,
        data.comment,
      ),
    };
    await enqueue(trx, deps.now(), {
      key: `webhook:${String(event.id)}:${hook.id}`,
      channel: 'webhook',
      kind: event.kind,
      siteId: data.site.id,
      commentId: data.row.id,
      // The id, not the URL: a webhook URL is often a secret (Slack, Telegram's bot token).
      recipient: `webhook:${hook.id}`,
      payload: call as unknown as Readonly<Record<string, unknown>>,
    });
  }
}
