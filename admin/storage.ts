/**
 * @module admin/storage
 * What the moderation app remembers: the last site (localStorage, so the sign-in form is
 * filled in next time) and the session (sessionStorage: it survives a reload of the tab,
 * and goes when the tab is closed). Storage may be disabled or full; every access
 * tolerates that, and the app then just forgets.
 */
import type { Session } from '../server/contract.js';

const SITE = 'confab:admin:site';
const SESSION = 'confab:admin:session';

function read(store: () => Storage, key: string): string | null {
  try {
    return store().getItem(key);
  } catch {
    return null;
  }
}

function write(store: () => Storage, key: string, value: string | undefined): void {
  try {
    if (value === undefined) store().removeItem(key);
    else store().setItem(key, value);
  } catch {
    // Storage disabled or full: nothing is remembered.
  }
}

const local = () => localStorage;
const tab = () => sessionStorage;

/** The site last moderated, or ''. */
export const loadSite = (): string => read(local, SITE) ?? '';

export const saveSite = (site: string): void => {
  write(local, SITE, site || undefined);
};

/** The tab's session, if it has the right shape and has not lapsed. */
export function loadSession(): Session | undefined {
  try {
    const s = JSON.parse(read(tab, SESSION) ?? 'null') as Partial<Session> | null;
    if (
      typeof s?.token === 'string' &&
      typeof s.user?.name === 'string' &&
      Date.parse(s.expiresAt ?? '') > Date.now()
    )
      return s as Session;
  } catch {
    // Not JSON: forgotten below.
  }
  write(tab, SESSION, undefined);
  return undefined;
}

/** Keeps the session for this tab, or forgets it. */
export const saveSession = (session?: Session): void => {
  write(tab, SESSION, session && JSON.stringify(session));
};
