/**
 * @module cli/mail
 * `confab mail test <address>`: sends a test mail through the outbox at once and says what
 * became of it (exit 1 unless it was sent). `confab mail outbox [--site S] [--status S]`:
 * the newest outbox rows, with why each was not sent.
 */
import { parseArgs } from 'node:util';
import { buildRuntime } from '../bootstrap.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { sendTestMail } from '../services/notify/test-mail.js';
import { listOutbox } from '../store/outbox.js';
import type { CliIo } from './io.js';

export const MAIL_USAGE = `  mail test <address> [--db ...]   (sends a test email now, through CONFAB_SMTP_URL)
  mail outbox [--site <id>] [--status failed|sent|kept|...] [--db ...]`;

export class MailUsageError extends Error {}

export async function runMail(args: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { db: { type: 'string' }, site: { type: 'string' }, status: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [action, address, ...extra] = positionals;
  if (!((action === 'test' && address !== undefined) || action === 'outbox') || extra.length > 0) {
    throw new MailUsageError('mail test <address>, or mail outbox');
  }
  const runtime = await buildRuntime(loadConfig(env, { db: values.db }), { widget: undefined });
  const { deps } = runtime;
  try {
    if (action === 'test') {
      const result = await sendTestMail(deps, address ?? '');
      if (result.status === 'sent') {
        io.out(`Sent a test email to ${result.to} through ${result.via ?? '?'}.`);
        return 0;
      }
      io.err(
        result.status === 'kept'
          ? `Not sent: ${result.error ?? ''}`
          : `Not sent (${result.status}): ${result.error ?? 'unknown error'}. It waits in the outbox and will be tried again.`,
      );
      return 1;
    }
    const rows = await listOutbox(deps.db, { siteId: values.site, status: values.status }, 50);
    if (rows.length === 0) io.out('The outbox is empty.');
    for (const row of rows) {
      const why = row.last_error === null ? '' : ` — ${row.last_error}`;
      io.out(
        `${row.created_at} ${row.status.padEnd(9)} ${row.kind.padEnd(11)} ${row.recipient} (attempts ${String(row.attempts)})${why}`,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      io.err(`confab: ${error.toProblem().errors?.[0]?.message ?? error.message}`);
      return 2;
    }
    throw error;
  } finally {
    await runtime.close();
  }
}
