/**
 * @module config
 * Server configuration from flags and their `CONFAB_*` environment twins. Read once at
 * start (`loadConfig`), frozen, then passed in. One error lists every problem.
 */
import { isIP } from 'node:net';
import { DEMO_PROVIDER, loadProviders, type ProviderConfig } from './providers.js';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** A SQLite file path (PostgreSQL URLs arrive in a later release). */
  readonly db: string;
  /** The URL readers reach this server at, without a trailing slash. */
  readonly publicUrl: string;
  /** Signs and hashes; generated and stored in the database when not given. */
  readonly secret: string | undefined;
  /** Peers whose X-Forwarded-For is believed (addresses or CIDR ranges). */
  readonly trustProxy: readonly string[];
  readonly editWindowSeconds: number;
  readonly maxBodyBytes: number;
  readonly demo: boolean;
  /** Sign-in providers configured in the environment. */
  readonly providers: readonly ProviderConfig[];
  /** Akismet API key (CONFAB_AKISMET_KEY): new comments are checked when set. */
  readonly akismetKey: string | undefined;
  /** CONFAB_AKISMET_URL, for a stand-in in tests. */
  readonly akismetUrl: string;
  /** How long a reader stays signed in without using the session (seconds). */
  readonly sessionSeconds: number;
  /** Where `serve` writes scheduled backups; undefined: no scheduled backups. */
  readonly backupDir: string | undefined;
  /** Time between scheduled backups (milliseconds). */
  readonly backupEveryMs: number;
  /** How many scheduled backups to keep; older ones are deleted. */
  readonly backupKeep: number;
  /** Worker threads that render Markdown (0: on the event loop); undefined: cores - 1. */
  readonly renderThreads: number | undefined;
  /** CONFAB_SMTP_URL (`smtp://` or `smtps://`, auth in the URL); undefined: mail stays in the outbox. */
  readonly smtpUrl: string | undefined;
  /** CONFAB_MAIL_FROM: the From of every mail (`Confab <comments@example.com>` or an address). */
  readonly mailFrom: string;
  /**
   * Live streams (`GET /api/v1/stream`): how many may be open at once per client address and
   * in all (0: none), and how often each gets a heartbeat.
   */
  readonly live: { readonly perClient: number; readonly max: number; readonly heartbeatMs: number };
}

/** Flag values as given on the command line (strings, or true for bare switches). */
export type Flags = Readonly<Record<string, string | boolean | string[] | undefined>>;

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A flag, else its environment twin (`--public-url` <-> `CONFAB_PUBLIC_URL`). */
export function pick(flags: Flags, env: NodeJS.ProcessEnv, name: string): string | undefined {
  const flag = flags[name];
  if (typeof flag === 'string') return flag;
  if (flag === true) return 'true';
  if (Array.isArray(flag)) return flag.join(',');
  const twin = env[`CONFAB_${name.toUpperCase().replace(/-/g, '_')}`];
  return twin === undefined || twin === '' ? undefined : twin;
}

function integer(
  problems: string[],
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `24h`, `7d` (a bare number is seconds), from one minute to a year. */
function duration(problems: string[], name: string, raw: string | undefined, fallback: number) {
  if (raw === undefined) return fallback;
  const match = /^(\d+)\s*([smhd]?)$/.exec(raw.trim());
  const ms = match === null ? NaN : Number(match[1]) * (UNIT_MS[match[2] || 's'] ?? NaN);
  if (!(ms >= 60_000 && ms <= 365 * 86_400_000)) {
    problems.push(`${name} must be a duration like 30m, 24h or 7d, from 1m to 365d (got "${raw}")`);
    return fallback;
  }
  return ms;
}

function isProxySpec(spec: string): boolean {
  const [address, bits, ...rest] = spec.split('/');
  if (rest.length > 0 || address === undefined || isIP(address) === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return Number.isInteger(n) && n >= 0 && n <= (isIP(address) === 4 ? 32 : 128);
}

export function loadConfig(env: NodeJS.ProcessEnv, flags: Flags = {}): Config {
  const problems: string[] = [];
  const port = integer(problems, '--port (CONFAB_PORT)', pick(flags, env, 'port'), 8080, 0, 65535);
  const host = pick(flags, env, 'host') ?? '0.0.0.0';
  const db = pick(flags, env, 'db') ?? './data/confab.sqlite';
  const demo = ['true', '1', 'yes'].includes(pick(flags, env, 'demo') ?? 'false');

  let publicUrl = pick(flags, env, 'public-url') ?? `http://localhost:${port}`;
  try {
    const url = new URL(publicUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    publicUrl = url.href.replace(/\/+$/, '');
  } catch {
    problems.push(`--public-url (CONFAB_PUBLIC_URL) must be an http(s) URL (got "${publicUrl}")`);
  }

  // Environment only: a command-line flag would show in `ps` to every local user.
  const secret = pick({}, env, 'secret');
  if (secret !== undefined && secret.length < 32) {
    problems.push('CONFAB_SECRET must be at least 32 characters (try `openssl rand -hex 32`)');
  }

  const trustProxy = (pick(flags, env, 'trust-proxy') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const spec of trustProxy) {
    if (!isProxySpec(spec))
      problems.push(`--trust-proxy: "${spec}" is not an IP address or CIDR range`);
  }

  const editWindowSeconds = integer(
    problems,
    '--edit-window (CONFAB_EDIT_WINDOW, seconds)',
    pick(flags, env, 'edit-window'),
    15 * 60,
    0,
    7 * 24 * 3600,
  );
  const maxBodyBytes = integer(
    problems,
    '--max-body (CONFAB_MAX_BODY, bytes)',
    pick(flags, env, 'max-body'),
    64 * 1024,
    1024,
    10 * 1024 * 1024,
  );

  const providers: ProviderConfig[] = loadProviders(env, problems);
  if (demo) providers.unshift(DEMO_PROVIDER);
  const sessionSeconds =
    integer(problems, 'CONFAB_SESSION_DAYS', env.CONFAB_SESSION_DAYS, 30, 1, 365) * 86_400;

  const backupDir = pick(flags, env, 'backup-dir');
  const backupEveryMs = duration(
    problems,
    '--backup-every (CONFAB_BACKUP_EVERY)',
    pick(flags, env, 'backup-every'),
    86_400_000,
  );
  const backupKeep = integer(
    problems,
    '--backup-keep (CONFAB_BACKUP_KEEP)',
    pick(flags, env, 'backup-keep'),
    7,
    1,
    1000,
  );
  if (
    backupDir === undefined &&
    (pick(flags, env, 'backup-every') ?? pick(flags, env, 'backup-keep')) !== undefined
  ) {
    problems.push('--backup-every and --backup-keep need --backup-dir (CONFAB_BACKUP_DIR)');
  }

  const threads = pick(flags, env, 'render-threads');
  const renderThreads =
    threads === undefined
      ? undefined
      : integer(problems, '--render-threads (CONFAB_RENDER_THREADS)', threads, 1, 0, 64);

  // Akismet's key is a secret: environment only, like CONFAB_SECRET.
  const akismetKey = env.CONFAB_AKISMET_KEY === '' ? undefined : env.CONFAB_AKISMET_KEY;
  const akismetUrl = (env.CONFAB_AKISMET_URL ?? 'https://rest.akismet.com').replace(/\/$/, '');
  if (!/^https?:\/\//.test(akismetUrl)) problems.push('CONFAB_AKISMET_URL is not an http(s) URL');

  const smtpUrl = pick({}, env, 'smtp-url');
  if (smtpUrl !== undefined && !isSmtpUrl(smtpUrl)) {
    problems.push('CONFAB_SMTP_URL must be smtp://[user:password@]host[:port] or smtps://…');
  }
  const mailFrom = pick({}, env, 'mail-from') ?? `Confab <confab@${hostOf(publicUrl)}>`;
  if (/[\r\n]/.test(mailFrom) || !/[^\s@<>]+@[^\s@<>]+\.?[^\s@<>]*/.test(mailFrom)) {
    problems.push(`CONFAB_MAIL_FROM must be an address or "Name <address>" (got "${mailFrom}")`);
  }

  // Environment only: for a proxy with a short idle timeout, a bench, a test.
  const live = Object.freeze({
    perClient: integer(
      problems,
      'CONFAB_LIVE_PER_CLIENT',
      env.CONFAB_LIVE_PER_CLIENT,
      10,
      0,
      100_000,
    ),
    max: integer(problems, 'CONFAB_LIVE_MAX', env.CONFAB_LIVE_MAX, 10_000, 0, 1_000_000),
    heartbeatMs: integer(
      problems,
      'CONFAB_LIVE_HEARTBEAT_MS',
      env.CONFAB_LIVE_HEARTBEAT_MS,
      25_000,
      10,
      60_000,
    ),
  });

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    live,
    smtpUrl,
    mailFrom,
    akismetKey,
    akismetUrl,
    port,
    host,
    db,
    publicUrl,
    secret,
    trustProxy: Object.freeze(trustProxy),
    editWindowSeconds,
    maxBodyBytes,
    demo,
    providers: Object.freeze(providers),
    sessionSeconds,
    backupDir,
    backupEveryMs,
    backupKeep,
    renderThreads,
  });
}

function isSmtpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname || 'localhost';
  } catch {
    return 'localhost';
  }
}
