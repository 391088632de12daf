/**
 * @module cli/main
 * The `confab` command (DESIGN.md section 3a): `main(argv, env, io)`. Every flag has a
 * `CONFAB_*` twin, and the flag wins. `run.ts` calls it as a process; tests call it in-process.
 */
import { parseArgs } from 'node:util';
import type { CliIo } from './io.js';
import { serve } from '@hono/node-server';
import { createApp } from '../app.js';
import { buildRuntime } from '../bootstrap.js';
import { runBackup, runRestore, runUserData } from './backup.js';
import { ConfigError, loadConfig, pick, type Flags } from '../config.js';
import { seedDemo } from '../demo/seed.js';
import {
  addSite,
  listSites,
  MODERATION_POLICIES,
  listSiteRoles,
  updateSite,
  type ModerationPolicy,
  type Site,
  type SiteSettings,
} from '../services/sites/sites.js';
import { housekeeping } from '../services/data/housekeeping.js';
import { createBackupScheduler } from '../services/data/backup.js';
import { startNotifications } from '../services/notify/runner.js';
import { MAIL_USAGE, MailUsageError, runMail } from './mail.js';
import { runWebhook, WEBHOOK_USAGE, WebhookUsageError } from './webhooks.js';
import { findAllUsers } from '../store/users.js';
import { DataUsageError, IMPORT_USAGE, runExport, runImport } from './data.js';
import {
  describeModeration,
  MODERATION_USAGE,
  ModerationUsageError,
  parseModerationFlags,
  runUserBan,
  SITE_MODERATION_USAGE,
  siteModerationOptions,
} from './moderation.js';

const USAGE = `Usage: confab <command> [options]

Commands:
  serve   [--port 8080] [--host 0.0.0.0] [--db ./data/confab.sqlite] [--public-url URL]
          [--trust-proxy ADDR[,ADDR]] [--edit-window SECONDS] [--render-threads N] [--demo]
          [--backup-dir DIR [--backup-every 24h] [--backup-keep 7]]
  migrate [--db ...]
  backup  <file> [--db ...] [--force]     (online; safe while the server runs)
  restore <backup> [--db ...] [--force]   (stop the server first)
  site add <id> --origin <url> [--origin <url> ...] [--name NAME]
          [--moderation none|first-time|guests|all] [--no-guests]
          [--rate-limit <comments per minute per client>|off] [--db ...]
          [--owner provider:id ...] [--moderator provider:id ...]
${SITE_MODERATION_USAGE}
  site update <id> [same options as add; --guests re-allows guests;
          --remove-role provider:id takes a role away]
  site list [--json] [--db ...]
  user list [--db ...]     (who has signed in, as provider:id for --owner)
${IMPORT_USAGE}
  user export <provider:id> [--site <id>] [--db ...]   (their data as JSON)
  user erase <provider:id> [--site <id>] [--db ...]    (every site without --site)
${MODERATION_USAGE}
${MAIL_USAGE}
${WEBHOOK_USAGE}

Every option has an environment twin: --public-url is CONFAB_PUBLIC_URL, and so on.`;

const serverOptions = {
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  'public-url': { type: 'string' },
  'trust-proxy': { type: 'string' },
  'edit-window': { type: 'string' },
  'max-body': { type: 'string' },
  'render-threads': { type: 'string' },
  demo: { type: 'boolean' },
  'backup-dir': { type: 'string' },
  'backup-every': { type: 'string' },
  'backup-keep': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const siteOptions = {
  ...siteModerationOptions,
  db: { type: 'string' },
  origin: { type: 'string', multiple: true },
  name: { type: 'string' },
  moderation: { type: 'string' },
  'no-guests': { type: 'boolean' },
  guests: { type: 'boolean' },
  'rate-limit': { type: 'string' },
  owner: { type: 'string', multiple: true },
  moderator: { type: 'string', multiple: true },
  'remove-role': { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const;

class UsageError extends Error {}

function parseSiteSettings(flags: Flags, env: NodeJS.ProcessEnv): SiteSettings {
  const settings: SiteSettings = parseModerationFlags(flags, env);
  const origins = flags.origin ?? pick({}, env, 'origin')?.split(',');
  if (Array.isArray(origins))
    settings.origins = origins.map((o) => o.trim()).filter((o) => o !== '');
  const name = pick(flags, env, 'name');
  if (name !== undefined) settings.name = name;
  const moderation = pick(flags, env, 'moderation');
  if (moderation !== undefined) {
    if (!(MODERATION_POLICIES as readonly string[]).includes(moderation)) {
      throw new UsageError(`--moderation is one of ${MODERATION_POLICIES.join(', ')}`);
    }
    settings.moderation = moderation as ModerationPolicy;
  }
  if (flags['no-guests'] === true || pick({}, env, 'no-guests') === 'true')
    settings.allowGuests = false;
  if (flags.guests === true) settings.allowGuests = true;
  const list = (name: string): string[] | undefined => {
    const value = flags[name] ?? pick({}, env, name)?.split(',');
    return Array.isArray(value) ? value.map((v) => v.trim()).filter((v) => v !== '') : undefined;
  };
  const owners = list('owner');
  if (owners !== undefined) settings.owners = owners;
  const moderators = list('moderator');
  if (moderators !== undefined) settings.moderators = moderators;
  const removeRoles = list('remove-role');
  if (removeRoles !== undefined) settings.removeRoles = removeRoles;
  const rate = pick(flags, env, 'rate-limit');
  if (rate !== undefined) {
    const n = rate === 'off' ? 0 : Number(rate);
    if (!Number.isInteger(n) || n < 0)
      throw new UsageError('--rate-limit is a whole number per minute, or off');
    settings.rateLimit = n;
  }
  return settings;
}

function describeSite(site: Site, roles: { account: string; role: string }[] = []): string {
  return [
    site.id,
    `  name: ${site.name}`,
    `  origins: ${site.origins.join(' ')}`,
    `  moderation: ${site.moderation}`,
    `  guests: ${site.allowGuests ? 'allowed' : 'not allowed'}`,
    `  rate limit: ${site.rateLimit === 0 ? 'off' : `${site.rateLimit} comments per minute per client`}`,
    ...describeModeration(site),
    ...roles.map((r) => `  ${r.role}: ${r.account}`),
  ].join('\n');
}

async function runServe(args: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<void> {
  const { values } = parseArgs({ args, options: serverOptions, strict: true });
  if (values.help === true) {
    io.out(USAGE);
    return;
  }
  const config = loadConfig(env, values);
  const runtime = await buildRuntime(config);
  const { deps, database } = runtime;
  if (deps.widget === undefined)
    io.err('[confab] widget not built: run `npm run build` to serve /confab.js');
  if (config.demo) await seedDemo(deps);
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    io.out(
      `Confab listening on ${config.publicUrl} (port ${info.port}, database ${database.description})`,
    );
    if (config.demo) io.out(`Demo blog post: ${config.publicUrl}/`);
  });
  const prune = setInterval(() => {
    housekeeping(deps).catch((error: unknown) => {
      deps.logger.error('housekeeping failed', error);
    });
  }, 10 * 60_000);
  prune.unref();
  const backups =
    config.backupDir === undefined
      ? undefined
      : createBackupScheduler({
          database,
          dir: config.backupDir,
          everyMs: config.backupEveryMs,
          keep: config.backupKeep,
          logger: deps.logger,
          now: deps.now,
        });
  backups?.start();
  const notifications = startNotifications(deps);
  if (deps.mailer === undefined) {
    io.out(
      'Mail: no CONFAB_SMTP_URL, so mail is kept in the outbox (confab mail outbox) and not sent.',
    );
  }
  const stop = (): void => {
    clearInterval(prune);
    const stopped = Promise.all([backups?.stop(), notifications.stop()]);
    server.close(() => void stopped.then(() => runtime.close()).then(() => process.exit(0)));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function runMigrate(args: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<void> {
  const { values } = parseArgs({ args, options: { db: { type: 'string' } }, strict: true });
  const config = loadConfig(env, values);
  const { database } = await buildRuntime(config, { widget: undefined });
  io.out(`Database ${database.description} is up to date.`);
  await database.close();
}

async function runUser(args: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<void> {
  if (args[0] === 'export' || args[0] === 'erase') {
    await runUserData(args, env, io);
    return;
  }
  if (args[0] === 'ban' || args[0] === 'unban') {
    await runUserBan(args, env, io);
    return;
  }
  const { values, positionals } = parseArgs({
    args,
    options: { db: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals[0] !== 'list') throw new UsageError('user list|export|erase');
  const { deps, database } = await buildRuntime(loadConfig(env, values), { widget: undefined });
  try {
    const users = await findAllUsers(deps.db);
    if (users.length === 0) io.out('Nobody has signed in yet.');
    for (const u of users) io.out(`${u.provider}:${u.subject}  ${u.name}  (since ${u.created_at})`);
  } finally {
    await database.close();
  }
}

async function runSite(args: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: siteOptions,
    allowPositionals: true,
    strict: true,
  });
  const [action, id] = positionals;
  const config = loadConfig(env, { db: values.db });
  const { deps, database } = await buildRuntime(config, { widget: undefined });
  try {
    if (action === 'list') {
      const sites = await listSites(deps);
      if (values.json === true) {
        const withRoles = await Promise.all(
          sites.map(async (s) => ({ ...s, roles: await listSiteRoles(deps, s.id) })),
        );
        io.out(JSON.stringify(withRoles, null, 2));
        return;
      }
      if (sites.length === 0) io.out('No sites yet: confab site add <id> --origin <url>');
      for (const site of sites) io.out(describeSite(site, await listSiteRoles(deps, site.id)));
      return;
    }
    if ((action !== 'add' && action !== 'update') || id === undefined) {
      throw new UsageError('site add|update <id> [options], or site list');
    }
    const settings = parseSiteSettings(values, env);
    const site =
      action === 'add' ? await addSite(deps, id, settings) : await updateSite(deps, id, settings);
    const roles = await listSiteRoles(deps, id);
    io.out(`${action === 'add' ? 'Added' : 'Updated'} site ${describeSite(site, roles)}`);
  } finally {
    await database.close();
  }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        await runServe(rest, env, io);
        return 0;
      case 'migrate':
        await runMigrate(rest, env, io);
        return 0;
      case 'backup':
        await runBackup(rest, env, io);
        return 0;
      case 'restore':
        await runRestore(rest, env, io);
        return 0;
      case 'site':
        await runSite(rest, env, io);
        return 0;
      case 'user':
        await runUser(rest, env, io);
        return 0;
      case 'import':
        return await runImport(rest, env, io);
      case 'export':
        return await runExport(rest, env, io);
      case 'mail':
        return await runMail(rest, env, io);
      case 'webhook':
        return await runWebhook(rest, env, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof UsageError ||
      error instanceof ModerationUsageError ||
      error instanceof DataUsageError ||
      error instanceof MailUsageError ||
      error instanceof WebhookUsageError
    ) {
      io.err(`confab: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (
      error instanceof Error &&
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true
    ) {
      io.err(`confab: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`confab: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
