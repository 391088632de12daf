#!/usr/bin/env node
/**
 * @module cli
 * The `confab` command (DESIGN.md section 3a). The only module that reads `process.env`:
 * every flag has a `CONFAB_*` twin, and the flag wins.
 */
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { buildRuntime } from './bootstrap.js';
import { ConfigError, loadConfig, pick, type Flags } from './config.js';
import { seedDemo } from './demo/seed.js';
import {
  addSite,
  listSites,
  MODERATION_POLICIES,
  updateSite,
  type ModerationPolicy,
  type Site,
  type SiteSettings,
} from './services/sites.js';
import { pruneRateLimits } from './services/clients.js';

const USAGE = `Usage: confab <command> [options]

Commands:
  serve   [--port 8080] [--host 0.0.0.0] [--db ./data/confab.sqlite] [--public-url URL]
          [--trust-proxy ADDR[,ADDR]] [--edit-window SECONDS] [--demo]
  migrate [--db ...]
  site add <id> --origin <url> [--origin <url> ...] [--name NAME]
          [--moderation none|first-time|guests|all] [--no-guests]
          [--rate-limit <comments per minute per client>|off] [--db ...]
  site update <id> [same options as add; --guests re-allows guests]
  site list [--json] [--db ...]

Every option has an environment twin: --public-url is CONFAB_PUBLIC_URL, and so on.`;

const serverOptions = {
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  'public-url': { type: 'string' },
  'trust-proxy': { type: 'string' },
  'edit-window': { type: 'string' },
  'max-body': { type: 'string' },
  demo: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const siteOptions = {
  db: { type: 'string' },
  origin: { type: 'string', multiple: true },
  name: { type: 'string' },
  moderation: { type: 'string' },
  'no-guests': { type: 'boolean' },
  guests: { type: 'boolean' },
  'rate-limit': { type: 'string' },
  json: { type: 'boolean' },
} as const;

class UsageError extends Error {}

function parseSiteSettings(flags: Flags, env: NodeJS.ProcessEnv): SiteSettings {
  const settings: SiteSettings = {};
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
  const rate = pick(flags, env, 'rate-limit');
  if (rate !== undefined) {
    const n = rate === 'off' ? 0 : Number(rate);
    if (!Number.isInteger(n) || n < 0)
      throw new UsageError('--rate-limit is a whole number per minute, or off');
    settings.rateLimit = n;
  }
  return settings;
}

function describeSite(site: Site): string {
  return [
    site.id,
    `  name: ${site.name}`,
    `  origins: ${site.origins.join(' ')}`,
    `  moderation: ${site.moderation}`,
    `  guests: ${site.allowGuests ? 'allowed' : 'not allowed'}`,
    `  rate limit: ${site.rateLimit === 0 ? 'off' : `${site.rateLimit} comments per minute per client`}`,
  ].join('\n');
}

async function runServe(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseArgs({ args, options: serverOptions, strict: true });
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig(env, values);
  const { deps, database } = await buildRuntime(config);
  if (deps.widget === undefined)
    console.warn('[confab] widget not built: run `npm run build` to serve /confab.js');
  if (config.demo) await seedDemo(deps);
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    console.log(
      `Confab listening on ${config.publicUrl} (port ${info.port}, database ${database.description})`,
    );
    if (config.demo) console.log(`Demo blog post: ${config.publicUrl}/`);
  });
  const prune = setInterval(() => void pruneRateLimits(deps).catch(() => undefined), 10 * 60_000);
  prune.unref();
  const stop = (): void => {
    clearInterval(prune);
    server.close(() => void database.close().then(() => process.exit(0)));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function runMigrate(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseArgs({ args, options: { db: { type: 'string' } }, strict: true });
  const config = loadConfig(env, values);
  const { database } = await buildRuntime(config, { widget: undefined });
  console.log(`Database ${database.description} is up to date.`);
  await database.close();
}

async function runSite(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
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
      if (values.json === true) console.log(JSON.stringify(sites, null, 2));
      else
        console.log(
          sites.length === 0
            ? 'No sites yet: confab site add <id> --origin <url>'
            : sites.map(describeSite).join('\n'),
        );
      return;
    }
    if ((action !== 'add' && action !== 'update') || id === undefined) {
      throw new UsageError('site add|update <id> [options], or site list');
    }
    const settings = parseSiteSettings(values, env);
    const site =
      action === 'add' ? await addSite(deps, id, settings) : await updateSite(deps, id, settings);
    console.log(`${action === 'add' ? 'Added' : 'Updated'} site ${describeSite(site)}`);
  } finally {
    await database.close();
  }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        await runServe(rest, env);
        return 0;
      case 'migrate':
        await runMigrate(rest, env);
        return 0;
      case 'site':
        await runSite(rest, env);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      console.error(`confab: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (
      error instanceof Error &&
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true
    ) {
      console.error(`confab: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`confab: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

const code = await main(process.argv.slice(2), process.env);
if (code !== 0) process.exit(code);
