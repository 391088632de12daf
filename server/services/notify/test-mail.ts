/**
 * @module services/notify/test-mail
 * "Send a test email" (`/admin`) and `confab mail test <address>`: a mail through the
 * outbox like any other, sent at once, with the answer saying exactly what happened.
 */
import { randomUUID } from 'node:crypto';
import type { TestMailResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { invalid } from '../../errors.js';
import { findOutboxById, findOutboxByKey } from '../../store/outbox.js';
import { checkEmail } from '../common/input-rules.js';
import { testMail } from './compose.js';
import { deliverRow, enqueue, messageIdFor } from './outbox.js';

export async function sendTestMail(
  deps: Deps,
  address: string,
  siteId: string | null = null,
): Promise<TestMailResponse> {
  const email = checkEmail(address, 'to');
  if (!email.ok) throw invalid([email.error]);
  if (email.value === null) {
    throw invalid([{ field: 'to', code: 'required', message: 'Give an address to send to.' }]);
  }
  const key = `test:${randomUUID()}`;
  await enqueue(deps.db, deps.now(), {
    key,
    channel: 'email',
    kind: 'test',
    siteId,
    commentId: null,
    recipient: email.value,
    payload: testMail({
      to: email.value,
      messageId: messageIdFor(key, deps.config.publicUrl),
      server: deps.config.publicUrl,
    }),
  });
  const row = await findOutboxByKey(deps.db, key);
  if (row !== undefined) await deliverRow(deps, row);
  const after = row === undefined ? undefined : await findOutboxById(deps.db, row.id);
  return {
    to: email.value,
    status: after?.status ?? 'queued',
    via: deps.mailer?.description ?? null,
    error: after?.last_error ?? null,
  };
}
