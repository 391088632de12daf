/**
 * @module services/sites/sites
 * Sites: who may embed a thread (exact origins), moderation policy, guests, rate limit,
 * votes.
 */
import { AppError } from '../../errors.js';
import { isMailAddress } from '../common/input-rules.js';
import type { Deps } from '../../deps.js';
import type { SiteRow } from '../../store/schema.js';
import { deleteSiteRole, findSiteRoles, replaceSiteRole } from '../../store/users.js';
import { findAllSites, findSiteById, insertSite, updateSiteRow } from '../../store/sites.js';

export const MODERATION_POLICIES = ['none', 'first-time', 'guests', 'all'] as const;
export type ModerationPolicy = (typeof MODERATION_POLICIES)[number];

/** Owner alerts: a mail per new comment, one digest a day, or none. */
export const ALERT_MODES = ['each', 'digest', 'off'] as const;
export type AlertMode = (typeof ALERT_MODES)[number];

export interface Site {
  id: string;
  name: string;
  origins: string[];
  moderation: ModerationPolicy;
  allowGuests: boolean;
  /** Comments per minute per client and per account; 0 means no limit. */
  rateLimit: number;
  /** Comments per minute in one thread from everyone together; 0 means no limit. */
  threadRateLimit: number;
  /** New threads (a first comment on a page) per hour on the site; 0 means no limit. */
  newThreadLimit: number;
  /** Hold a comment with more links than this. */
  maxLinks: number;
  /** Words and phrases that hold a comment (lower case). */
  blocklist: string[];
  /** Hold comments from accounts younger than this many hours; 0 means off. */
  newAccountHours: number;
  /** A guest's form must be this old when sent; 0 means off. */
  minFillSeconds: number;
  /** Proof-of-work difficulty for guests (the challenge's largest number); 0 means off. */
  proofOfWork: number;
  /** Run the server's spam checker on new comments. */
  spamCheck: boolean;
  /** Where the owner's alerts about new and held comments go. */
  alertEmails: string[];
  alertMode: AlertMode;
  /** Readers may vote on comments. */
  votes: boolean;
  /** Readers may also vote comments down (with `votes`). */
  downvotes: boolean;
}

export interface SiteSettings {
  /** `provider:id` of accounts that own or moderate the site (given by the CLI only). */
  owners?: string[];
  moderators?: string[];
  /** `provider:id` of accounts whose role goes. */
  removeRoles?: string[];
  name?: string;
  origins?: string[];
  moderation?: ModerationPolicy;
  allowGuests?: boolean;
  rateLimit?: number;
  threadRateLimit?: number;
  newThreadLimit?: number;
  maxLinks?: number;
  blocklist?: string[];
  newAccountHours?: number;
  minFillSeconds?: number;
  proofOfWork?: number;
  spamCheck?: boolean;
  alertEmails?: string[];
  alertMode?: AlertMode;
  votes?: boolean;
  downvotes?: boolean;
}

/** New sites: a guest's form must be at least this old, which no person notices. */
export const DEFAULT_MIN_FILL_SECONDS = 3;
/** Largest proof-of-work number a site may ask for (about a second of a phone's time). */
export const MAX_PROOF_OF_WORK = 1_000_000;

export const DEFAULT_RATE_LIMIT = 5;

/**
 * New threads per site per hour: a blog's pages get their first comments a few at a time,
 * a script inventing page paths gets hundreds. Imports and moderators are not counted.
 */
export const DEFAULT_NEW_THREAD_LIMIT = 60;

/** `https://blog.example.com` exactly: scheme, host and port, nothing else. */
export function parseOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`"${raw}" is not a URL; an origin looks like https://blog.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`"${raw}" is not an http(s) origin`);
  }
  if (raw.replace(/\/$/, '') !== url.origin) {
    throw new Error(`"${raw}" is not a bare origin; use ${url.origin}`);
  }
  return url.origin;
}

export function isValidSiteId(id: string): boolean {
  return /^[a-z0-9][a-z0-9_-]{0,62}$/.test(id);
}

function isPolicy(value: string): value is ModerationPolicy {
  return (MODERATION_POLICIES as readonly string[]).includes(value);
}

export function isAlertMode(value: string): value is AlertMode {
  return (ALERT_MODES as readonly string[]).includes(value);
}

function rowToSite(row: SiteRow): Site {
  const origins: unknown = JSON.parse(row.origins);
  return {
    id: row.id,
    name: row.name,
    origins: Array.isArray(origins)
      ? origins.filter((o): o is string => typeof o === 'string')
      : [],
    moderation: isPolicy(row.moderation) ? row.moderation : 'all',
    allowGuests: row.allow_guests === 1,
    rateLimit: row.rate_limit,
    threadRateLimit: row.thread_rate_limit,
    newThreadLimit: row.new_thread_limit,
    maxLinks: row.max_links,
    blocklist: parseList(row.blocklist),
    newAccountHours: row.new_account_hours,
    minFillSeconds: row.min_fill_seconds,
    proofOfWork: row.proof_of_work,
    spamCheck: row.spam_check === 1,
    alertEmails: parseList(row.alert_emails),
    alertMode: isAlertMode(row.alert_mode) ? row.alert_mode : 'each',
    votes: row.votes === 1,
    downvotes: row.downvotes === 1,
  };
}

function parseList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Blocklist entries as stored: trimmed, lower case, one space between words, no repeats. */
export function normalizeBlocklist(entries: readonly string[]): string[] {
  const words = entries
    .map((e) => e.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' '))
    .filter((e) => e !== '');
  return [...new Set(words)];
}

/** The site, or a 404 `site_not_found`. */
export async function getSite(deps: Deps, id: string): Promise<Site> {
  const site = await findSite(deps, id);
  if (site === undefined) throw new AppError(404, 'site_not_found', { detail: `No site "${id}".` });
  return site;
}

/** The site, from the cache of sites (services/sites/cache.ts). */
export async function findSite(deps: Deps, id: string): Promise<Site | undefined> {
  const row = (await deps.siteCache.rows(deps.db)).get(id);
  return row === undefined ? undefined : rowToSite(row);
}

export async function listSites(deps: Deps): Promise<Site[]> {
  return (await findAllSites(deps.db)).map(rowToSite);
}

/**
 * Writes must come from one of the site's pages. A browser always sends `Origin` on a
 * cross-origin POST/PATCH/DELETE, so a missing one is refused too (no-cors tricks,
 * scripts elsewhere pretending to be a reader).
 */
export function assertOriginAllowed(site: Site, origin: string | undefined): void {
  if (origin === undefined || !site.origins.includes(origin)) {
    throw new AppError(403, 'origin_not_allowed', {
      detail: `Origin ${origin ?? '(none)'} is not allowed for site "${site.id}".`,
    });
  }
}

/** Is `origin` one of any site's origins? (CORS preflights do not say which site.) */
export async function isKnownOrigin(deps: Deps, origin: string): Promise<boolean> {
  const rows = await deps.siteCache.rows(deps.db);
  return [...rows.values()].some(({ origins: json }) => {
    try {
      const origins: unknown = JSON.parse(json);
      return Array.isArray(origins) && origins.includes(origin);
    } catch {
      return false; // one damaged row must not take down every site's CORS
    }
  });
}

/**
 * A site's stored columns as an export carries them, checked like `site add` checks its
 * options (an import must not plant a site the server cannot read). Throws with the reason.
 */
export function checkSiteColumns(columns: Readonly<Record<string, unknown>>): void {
  const json = (name: string): unknown => {
    const raw = columns[name];
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string') throw new Error(`site ${name} is not JSON text`);
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw new Error(`site ${name} is not JSON`);
    }
  };
  const strings = (name: string): string[] | undefined => {
    const value = json(name);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw new Error(`site ${name} is not a list of strings`);
    }
    return value;
  };
  const int = (name: string): number | undefined => {
    const value = columns[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new Error(`site ${name} is not a whole number`);
    }
    return value;
  };
  const moderation = columns.moderation;
  if (moderation !== undefined && (typeof moderation !== 'string' || !isPolicy(moderation))) {
    throw new Error(`site moderation is one of ${MODERATION_POLICIES.join(', ')}`);
  }
  const origins = strings('origins');
  if (origins?.length === 0) throw new Error('a site needs at least one origin');
  const flag = (name: string): void => {
    const value = int(name);
    if (value !== undefined && value !== 0 && value !== 1)
      throw new Error(`site ${name} is 0 or 1`);
  };
  flag('allow_guests');
  flag('spam_check');
  flag('votes');
  flag('downvotes');
  checkSettings({
    origins,
    blocklist: strings('blocklist'),
    rateLimit: int('rate_limit'),
    threadRateLimit: int('thread_rate_limit'),
    newThreadLimit: int('new_thread_limit'),
    maxLinks: int('max_links'),
    newAccountHours: int('new_account_hours'),
    minFillSeconds: int('min_fill_seconds'),
    proofOfWork: int('proof_of_work'),
  });
}

function checkSettings(settings: SiteSettings): void {
  if (settings.origins !== undefined) settings.origins.forEach(parseOrigin);
  [
    ...(settings.owners ?? []),
    ...(settings.moderators ?? []),
    ...(settings.removeRoles ?? []),
  ].forEach(parseAccount);
  const whole = (value: number | undefined, what: string, max = 1_000_000): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > max)) {
      throw new Error(`${what} must be a whole number from 0 to ${max}`);
    }
  };
  whole(settings.rateLimit, 'rate limit (comments per minute, 0 is off)');
  whole(settings.threadRateLimit, 'thread rate limit (comments per minute, 0 is off)');
  whole(settings.newThreadLimit, 'new-thread limit (new threads per hour, 0 is off)');
  whole(settings.maxLinks, 'max links', 1000);
  whole(settings.newAccountHours, 'new-account hours', 24 * 365);
  whole(settings.minFillSeconds, 'minimum fill time (seconds)', 600);
  whole(settings.proofOfWork, 'proof-of-work difficulty', MAX_PROOF_OF_WORK);
  if (settings.alertEmails !== undefined) {
    if (settings.alertEmails.length > 10) throw new Error('at most 10 alert addresses');
    for (const email of settings.alertEmails) {
      if (!isMailAddress(email)) throw new Error(`"${email}" is not an email address`);
    }
  }
  if (settings.alertMode !== undefined && !isAlertMode(settings.alertMode)) {
    throw new Error(`the alert mode is one of ${ALERT_MODES.join(', ')}`);
  }
  if (settings.blocklist !== undefined) {
    if (settings.blocklist.length > 1000 || settings.blocklist.some((w) => w.length > 100)) {
      throw new Error('the blocklist holds at most 1000 entries of at most 100 characters');
    }
  }
}

/** `github:583231` or `keycloak:3f2a…` into its parts (the id may contain colons). */
export function parseAccount(spec: string): { provider: string; subject: string } {
  const colon = spec.indexOf(':');
  const provider = spec.slice(0, colon);
  const subject = spec.slice(colon + 1);
  if (colon <= 0 || subject === '' || !/^[a-z0-9-]+$/.test(provider)) {
    throw new Error(`"${spec}" is not an account; write provider:id, e.g. github:583231`);
  }
  return { provider, subject };
}

async function applyRoles(deps: Deps, siteId: string, settings: SiteSettings): Promise<void> {
  for (const spec of settings.removeRoles ?? []) {
    const { provider, subject } = parseAccount(spec);
    await deleteSiteRole(deps.db, siteId, provider, subject);
  }
  for (const [role, specs] of [
    ['moderator', settings.moderators],
    ['owner', settings.owners],
  ] as const) {
    for (const spec of specs ?? [])
      await replaceSiteRole(deps.db, siteId, { ...parseAccount(spec), role });
  }
}

/** Who owns and moderates a site, as `provider:id`. */
export async function listSiteRoles(
  deps: Deps,
  siteId: string,
): Promise<{ account: string; role: string }[]> {
  const roles = await findSiteRoles(deps.db, siteId);
  return roles.map((r) => ({ account: `${r.provider}:${r.subject}`, role: r.role }));
}

export async function addSite(deps: Deps, id: string, settings: SiteSettings): Promise<Site> {
  if (!isValidSiteId(id)) {
    throw new Error(`site id "${id}" must be lower-case letters, digits, - or _ (at most 63)`);
  }
  if (settings.origins === undefined || settings.origins.length === 0) {
    throw new Error('a site needs at least one --origin (the blog, e.g. https://blog.example.com)');
  }
  checkSettings(settings);
  if ((await findSiteById(deps.db, id)) !== undefined)
    throw new Error(`site "${id}" exists; use "site update"`);
  const now = deps.now().toISOString();
  await insertSite(deps.db, {
    id,
    name: settings.name ?? id,
    origins: JSON.stringify(settings.origins.map(parseOrigin)),
    moderation: settings.moderation ?? 'none',
    allow_guests: settings.allowGuests === false ? 0 : 1,
    rate_limit: settings.rateLimit ?? DEFAULT_RATE_LIMIT,
    created_at: now,
    updated_at: now,
    max_links: settings.maxLinks ?? 3,
    blocklist: JSON.stringify(normalizeBlocklist(settings.blocklist ?? [])),
    new_account_hours: settings.newAccountHours ?? 0,
    thread_rate_limit: settings.threadRateLimit ?? 60,
    new_thread_limit: settings.newThreadLimit ?? DEFAULT_NEW_THREAD_LIMIT,
    min_fill_seconds: settings.minFillSeconds ?? DEFAULT_MIN_FILL_SECONDS,
    proof_of_work: settings.proofOfWork ?? 0,
    spam_check: settings.spamCheck === false ? 0 : 1,
    alert_emails: JSON.stringify(settings.alertEmails ?? []),
    alert_mode: settings.alertMode ?? 'each',
    votes: settings.votes === false ? 0 : 1,
    downvotes: settings.downvotes === false ? 0 : 1,
  });
  await applyRoles(deps, id, settings);
  deps.siteCache.forget();
  return getSite(deps, id);
}

export async function updateSite(deps: Deps, id: string, settings: SiteSettings): Promise<Site> {
  checkSettings(settings);
  const patch: Parameters<typeof updateSiteRow>[2] = { updated_at: deps.now().toISOString() };
  if (settings.name !== undefined) patch.name = settings.name;
  if (settings.origins !== undefined)
    patch.origins = JSON.stringify(settings.origins.map(parseOrigin));
  if (settings.moderation !== undefined) patch.moderation = settings.moderation;
  if (settings.allowGuests !== undefined) patch.allow_guests = settings.allowGuests ? 1 : 0;
  if (settings.rateLimit !== undefined) patch.rate_limit = settings.rateLimit;
  if (settings.threadRateLimit !== undefined) patch.thread_rate_limit = settings.threadRateLimit;
  if (settings.newThreadLimit !== undefined) patch.new_thread_limit = settings.newThreadLimit;
  if (settings.maxLinks !== undefined) patch.max_links = settings.maxLinks;
  if (settings.blocklist !== undefined)
    patch.blocklist = JSON.stringify(normalizeBlocklist(settings.blocklist));
  if (settings.newAccountHours !== undefined) patch.new_account_hours = settings.newAccountHours;
  if (settings.minFillSeconds !== undefined) patch.min_fill_seconds = settings.minFillSeconds;
  if (settings.proofOfWork !== undefined) patch.proof_of_work = settings.proofOfWork;
  if (settings.spamCheck !== undefined) patch.spam_check = settings.spamCheck ? 1 : 0;
  if (settings.alertEmails !== undefined) patch.alert_emails = JSON.stringify(settings.alertEmails);
  if (settings.alertMode !== undefined) patch.alert_mode = settings.alertMode;
  if (settings.votes !== undefined) patch.votes = settings.votes ? 1 : 0;
  if (settings.downvotes !== undefined) patch.downvotes = settings.downvotes ? 1 : 0;
  if (!(await updateSiteRow(deps.db, id, patch))) throw new Error(`no site "${id}"`);
  await applyRoles(deps, id, settings);
  deps.siteCache.forget();
  return getSite(deps, id);
}
