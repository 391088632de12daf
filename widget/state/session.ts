/**
 * @module state/session
 * The session of a reader who ticked "Stay signed in", kept in localStorage under one key
 * per server and site (`confab:session:<server origin>:<site>`), since a token works only
 * for the site it was issued for. Without the tick the session lives in memory only.
 */
import type { Session } from '../../server/contract.js';
import { readStored, writeStored } from './storage.js';

/** The storage key for the server at `base` and `site`. */
export const sessionKey = (base: string, site: string): string =>
  `confab:session:${new URL(base).origin}:${site}`;

/** The stored session, if it has the right shape and has not lapsed; a lapsed one is dropped. */
export function loadSession(key: string): Session | undefined {
  const s = readStored(key) as Partial<Session> | undefined;
  const fine =
    typeof s?.token === 'string' &&
    typeof s.user?.name === 'string' &&
    Date.parse(s.expiresAt ?? '') > Date.now();
  if (fine) return s as Session;
  if (s) writeStored(key);
  return undefined;
}

/** Stores the session, or with none forgets it. */
export const saveSession = (key: string, s?: Session): void => {
  writeStored(key, s);
};
