/**
 * @module state/session
 * The session of a reader who ticked "Stay signed in", kept in localStorage under one key
 * per server and site (`confab:session:<server origin>:<site>`), since a token works only
 * for the site it was issued for. Without the tick the session lives in memory only.
 */
import type { Session } from '../api/auth.js';

// Like `state/storage.ts`, which stays out of this chunk's imports to keep the first-render
// bundle small: storage may be missing or full, so every access tolerates failure.
function read(key: string): unknown {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

function write(key: string, value?: unknown): void {
  try {
    if (value) localStorage.setItem(key, JSON.stringify(value));
    else localStorage.removeItem(key);
  } catch {
    // Storage disabled or full: the session lasts as long as the page.
  }
}

/** The storage key for the server at `base` and `site`. */
export const sessionKey = (base: string, site: string): string =>
  `confab:session:${new URL(base).origin}:${site}`;

/** The stored session, if it has the right shape and has not lapsed; a lapsed one is dropped. */
export function loadSession(key: string): Session | undefined {
  const s = read(key) as Partial<Session> | undefined;
  const fine =
    typeof s?.token === 'string' &&
    typeof s.user?.name === 'string' &&
    Date.parse(s.expiresAt ?? '') > Date.now();
  if (fine) return s as Session;
  if (s) write(key);
  return undefined;
}

/** Stores the session, or with none forgets it. */
export const saveSession = (key: string, s?: Session): void => {
  write(key, s);
};
