/**
 * @module services/notify/webhook-send
 * One webhook call from the outbox: a signed POST (see webhooks.ts), a 2xx answer within
 * ten seconds, no redirects followed.
 */
import { createHmac } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { findWebhookById } from '../../store/webhooks.js';

/** A receiver that takes longer than this has failed (the call is tried again later). */
const TIMEOUT_MS = 10_000;

/** What an outbox row of `channel = 'webhook'` holds. */
export interface WebhookCall {
  webhookId: string;
  event: string;
  body: string;
}

/** The signature header for `body` sent at `at`. */
export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret)
    .update(`${String(t)}.${body}`)
    .digest('hex');
  return `t=${String(t)},v1=${v1}`;
}

/** Sends one call; throws with the reason when the receiver does not answer 2xx. */
export async function deliverWebhook(
  deps: Deps,
  payload: string,
  deliveryId: string,
): Promise<void> {
  const call = JSON.parse(payload) as WebhookCall;
  const hook = await findWebhookById(deps.db, call.webhookId);
  if (hook === undefined) throw new Error('the webhook was removed');
  const response = await fetch(hook.url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'Confab-Webhook/1',
      'Confab-Event': call.event,
      'Confab-Delivery': deliveryId,
      'Confab-Signature': signWebhook(hook.secret, call.body, deps.now()),
    },
    body: call.body,
    redirect: 'error',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) {
    const text = (await response.text().catch(() => '')).slice(0, 200);
    throw new Error(`HTTP ${String(response.status)}${text === '' ? '' : `: ${text}`}`);
  }
  await response.body?.cancel();
}
