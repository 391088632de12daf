/**
 * @module cli/moderation
 * `confab user ban|unban` and the moderation options of `confab site add|update` (with the
 * votes: `--no-votes`, `--no-downvotes`).
 */
import { parseArgs } from 'node:util';
import type { CliIo } from './io.js';
import { buildRuntime } from '../bootstrap.js';
import { loadConfig, pick, type Flags } from '../config.js';
import { banAccount, unbanAccount } from '../services/moderation/bans.js';
import {
  getSite,
  isAlertMode,
  parseAccount,
  type Site,
  type SiteSettings,
} from '../services/sites/sites.js';

export const MODERATION_USAGE = `  user ban <provider:id> --site <id> [--for 7d | --until <ISO time>] [--reason TEXT] [--db ...]
  user unban <provider:id> --site <id> [--db ...]`;

export const SITE_MODERATION_USAGE = `          [--max-links N] [--blocklist word,phrase ...] [--new-account-hours N]
          [--thread-rate-limit <comments per minute per thread>|off]
          [--new-thread-limit <new threads per hour on the site>|off]
          [--min-fill <seconds>|off] [--pow <difficulty>|off] [--no-spam-check|--spam-check]
          [--alert-email <address> ...|--alert-email off] [--alert-mode each|digest|off]
          [--no-votes|--votes] [--no-downvotes|--downvotes]`;

export const siteModerationOptions = {
  'max-links': { type: 'string' },
  blocklist: { type: 'string', multiple: true },
  'new-account-hours': { type: 'string' },
  'thread-rate-limit': { type: 'string' },
  'new-thread-limit': { type: 'string' },
  'min-fill': { type: 'string' },
  pow: { type: 'string' },
  'spam-check': { type: 'boolean' },
  'no-spam-check': { type: 'boolean' },
  'alert-email': { type: 'string', multiple: true },
  'alert-mode': { type: 'string' },
  votes: { type: 'boolean' },
  'no-votes': { type: 'boolean' },
  downvotes: { type: 'boolean' },
  'no-downvotes': { type: 'boolean' },
} as const;

export class ModerationUsageError extends Error {}

function whole(flags: Flags, env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = pick(flags, env, name);
  if (raw === undefined) return undefined;
  const n = raw === 'off' ? 0 : Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new ModerationUsageError(`--${name} is a whole number, or off`);
  }
  return n;
}

/** The moderation part of `site add|update`'s options. */
export function parseModerationFlags(flags: Flags, env: NodeJS.ProcessEnv): SiteSettings {
  const settings: SiteSettings = {};
  const maxLinks = whole(flags, env, 'max-links');
  if (maxLinks !== undefined) settings.maxLinks = maxLinks;
  const hours = whole(flags, env, 'new-account-hours');
  if (hours !== undefined) settings.newAccountHours = hours;
  const thread = whole(flags, env, 'thread-rate-limit');
  if (thread !== undefined) settings.threadRateLimit = thread;
  const newThreads = whole(flags, env, 'new-thread-limit');
  if (newThreads !== undefined) settings.newThreadLimit = newThreads;
  const fill = whole(flags, env, 'min-fill');
  if (fill !== undefined) settings.minFillSeconds = fill;
  const pow = whole(flags, env, 'pow');
  if (pow !== undefined) settings.proofOfWork = pow;
  const blocklist = flags.blocklist ?? pick({}, env, 'blocklist')?.split(',');
  if (Array.isArray(blocklist)) {
    settings.blocklist = blocklist.flatMap((b) => b.split(',')).map((b) => b.trim());
  }
  if (flags['no-spam-check'] === true) settings.spamCheck = false;
  if (flags['spam-check'] === true) settings.spamCheck = true;
  for (const [flag, key] of [
    ['votes', 'votes'],
    ['downvotes', 'downvotes'],
  ] as const) {
    // A flag wins over its environment twin (CONFAB_VOTES, CONFAB_DOWNVOTES).
    const twin = pick({}, env, flag);
    if (twin === 'false' || twin === 'off') settings[key] = false;
    if (twin === 'true' || twin === 'on') settings[key] = true;
    if (flags[`no-${flag}`] === true) settings[key] = false;
    if (flags[flag] === true) settings[key] = true;
  }
  const alerts = flags['alert-email'] ?? pick({}, env, 'alert-email')?.split(',');
  if (Array.isArray(alerts)) {
    const emails = alerts.flatMap((a) => a.split(',')).map((a) => a.trim());
    settings.alertEmails = emails.length === 1 && emails[0] === 'off' ? [] : emails;
  }
  const mode = pick(flags, env, 'alert-mode');
  if (mode !== undefined) {
    if (!isAlertMode(mode)) throw new ModerationUsageError('--alert-mode is each, digest or off');
    settings.alertMode = mode;
  }
  return settings;
}

/** Lines for `site list`. */
export function describeModeration(site: Site): string[] {
  const off = (n: number, what: string): string => (n === 0 ? 'off' : what);
  return [
    `  hold: more than ${String(site.maxLinks)} links; blocklist: ${site.blocklist.length === 0 ? '(empty)' : site.blocklist.join(', ')}; new accounts: ${off(site.newAccountHours, `younger than ${String(site.newAccountHours)} h`)}`,
    `  thread rate limit: ${off(site.threadRateLimit, `${String(site.threadRateLimit)} comments per minute`)}; new threads: ${off(site.newThreadLimit, `${String(site.newThreadLimit)} per hour`)}`,
    `  owner alerts: ${site.alertEmails.length === 0 || site.alertMode === 'off' ? 'off' : `${site.alertMode === 'digest' ? 'a daily digest' : 'each new comment'} to ${site.alertEmails.join(', ')}`}`,
    `  votes: ${site.votes ? (site.downvotes ? 'up and down' : 'up only') : 'off'}`,
    `  guests: minimum fill time ${off(site.minFillSeconds, `${String(site.minFillSeconds)} s`)}; proof of work ${off(site.proofOfWork, `up to ${String(site.proofOfWork)}`)}; spam check ${site.spamCheck ? 'on' : 'off'}`,
  ];
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function expiry(now: Date, flags: { for?: string; until?: string }): string | null {
  if (flags.for !== undefined && flags.until !== undefined) {
    throw new ModerationUsageError('give --for or --until, not both');
  }
  if (flags.for !== undefined) {
    const match = /^(\d+)([mhdw])$/.exec(flags.for);
    if (match === null) throw new ModerationUsageError('--for is like 30m, 12h, 7d or 2w');
    return new Date(
      now.getTime() + Number(match[1]) * (UNIT_MS[match[2] ?? 'd'] ?? 0),
    ).toISOString();
  }
  if (flags.until !== undefined) {
    const time = Date.parse(flags.until);
    if (Number.isNaN(time))
      throw new ModerationUsageError('--until is an ISO time, e.g. 2027-01-31T00:00:00Z');
    return new Date(time).toISOString();
  }
  return null;
}

/** `confab user ban|unban <provider:id> --site <id> ...` */
export async function runUserBan(args: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      db: { type: 'string' },
      site: { type: 'string' },
      for: { type: 'string' },
      until: { type: 'string' },
      reason: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, spec] = positionals;
  if ((action !== 'ban' && action !== 'unban') || spec === undefined || values.site === undefined) {
    throw new ModerationUsageError(MODERATION_USAGE.trim());
  }
  let account: { provider: string; subject: string };
  try {
    account = parseAccount(spec);
  } catch (error) {
    throw new ModerationUsageError((error as Error).message);
  }
  const { deps, database } = await buildRuntime(loadConfig(env, { db: values.db }), {
    widget: undefined,
  });
  try {
    const site = await getSite(deps, values.site);
    if (action === 'unban') {
      const lifted = await unbanAccount(deps, site.id, account);
      io.out(
        lifted === 0
          ? `${spec} was not banned on ${site.id}`
          : `${spec} may comment on ${site.id} again`,
      );
      return;
    }
    const ban = await banAccount(deps, site.id, account, {
      expiresAt: expiry(deps.now(), values),
      reason: values.reason ?? null,
    });
    io.out(
      `${spec} (${ban.label}) is banned on ${site.id} ${ban.expiresAt === null ? 'until unbanned' : `until ${ban.expiresAt}`}`,
    );
  } finally {
    await database.close();
  }
}
