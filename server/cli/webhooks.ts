/**
 * @module cli/webhooks
 * `confab webhook add|list|remove`: a site's webhooks. The secret calls are signed with is
 * printed once, when the webhook is added.
 */
import { parseArgs } from 'node:util';
import { buildRuntime } from '../bootstrap.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { addWebhook, listWebhooks, removeWebhook } from '../services/notify/webhooks.js';
import type { CliIo } from './io.js';

export const WEBHOOK_USAGE = `  webhook add --site <id> --url <url> [--format json|slack|discord|telegram] [--db ...]
  webhook list --site <id> [--db ...]
  webhook remove <id> [--db ...]`;

export class WebhookUsageError extends Error {}

export async function runWebhook(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      db: { type: 'string' },
      site: { type: 'string' },
      url: { type: 'string' },
      format: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, id] = positionals;
  const usage = (): never => {
    throw new WebhookUsageError(
      'webhook add --site <id> --url <url>, list --site <id>, remove <id>',
    );
  };
  if (action === 'add' && (values.site === undefined || values.url === undefined)) usage();
  if (action === 'list' && values.site === undefined) usage();
  if (action === 'remove' && id === undefined) usage();
  if (action !== 'add' && action !== 'list' && action !== 'remove') usage();
  const runtime = await buildRuntime(loadConfig(env, { db: values.db }), { widget: undefined });
  const { deps } = runtime;
  try {
    if (action === 'add') {
      const hook = await addWebhook(deps, {
        site: values.site ?? '',
        url: values.url ?? '',
        format: values.format,
      });
      io.out(`Added webhook ${hook.id} (${hook.format}) to ${hook.url}`);
      io.out(`Secret (shown once; verify Confab-Signature with it): ${hook.secret}`);
      return 0;
    }
    if (action === 'list') {
      const hooks = await listWebhooks(deps, values.site ?? '');
      if (hooks.length === 0) io.out('No webhooks.');
      for (const h of hooks) io.out(`${h.id} ${h.format.padEnd(8)} ${h.url}`);
      return 0;
    }
    if (!(await removeWebhook(deps, id ?? ''))) {
      io.err(`confab: no webhook ${id ?? ''}`);
      return 1;
    }
    io.out(`Removed webhook ${id ?? ''}.`);
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      const problem = error.toProblem();
      io.err(`confab: ${problem.errors?.[0]?.message ?? problem.title}`);
      return 2;
    }
    throw error;
  } finally {
    await runtime.close();
  }
}
