/**
 * @module state/storage
 * What the widget keeps in the reader's own browser (localStorage): the guest identity
 * they chose to remember, the edit grants of their own comments, their comments held for
 * moderation, and (`state/session.ts`) the session of a reader who chose to stay signed
 * in. Storage can be missing or full (privacy modes, sandboxed frames), so every access
 * tolerates failure.
 */

import type { PublicComment } from '../../server/contract.js';

/** A guest's remembered identity (`confab:guest`), only if they ticked the box. */
export interface Guest {
  name: string;
  email: string;
  url: string;
}

/**
 * The right to edit or delete one's own comment (`confab:edit:<id>`): the token the
 * server returned, when the window closes, and the Markdown source the reader typed,
 * since the server only sends HTML back.
 */
export interface EditGrant {
  /** A guest's edit token; none for a comment posted signed in, which the session edits. */
  token?: string | undefined;
  until: string;
  body: string;
}

/** The stored value, or undefined; what was stored is the caller's to know. */
export function readStored(key: string): unknown {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Stores `value`, or with none removes the key. */
export function writeStored(key: string, value?: unknown): void {
  try {
    if (value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage disabled or full: what was to be kept lasts as long as the page.
  }
}

export const loadGuest = () => readStored('confab:guest') as Guest | undefined;
export const saveGuest = (g?: Guest) => {
  writeStored('confab:guest', g);
};

/** The grant for a comment while its edit window is open at `now`; expired ones are dropped. */
export function loadGrant(id: string, now = Date.now()): EditGrant | undefined {
  const g = readStored('confab:edit:' + id) as EditGrant | undefined;
  if (g && now < Date.parse(g.until)) return g;
  if (g) writeStored('confab:edit:' + id);
  return undefined;
}

export const saveGrant = (id: string, g?: EditGrant) => {
  writeStored('confab:edit:' + id, g);
};

/** How long the reader's held comments are kept: a week. */
const HELD_FOR = 7 * 24 * 60 * 60 * 1000;

/**
 * The reader's comments held for moderation in one thread (`confab:held:<site>:<thread>`),
 * as the server returned them, so that a reload still shows them "awaiting moderation":
 * only their author's browser has them. Kept at most a week after they were written.
 */
export const loadHeld = (key: string): PublicComment[] =>
  ((readStored('confab:held:' + key) ?? []) as PublicComment[]).filter(
    (c) => Date.now() - Date.parse(c.createdAt) < HELD_FOR,
  );

/** Stores a thread's held comments; with none, forgets the key. */
export const saveHeld = (key: string, held: PublicComment[]) => {
  writeStored('confab:held:' + key, held.length > 0 ? held : undefined);
};
