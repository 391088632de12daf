/**
 * @module state/storage
 * What the widget keeps in the reader's own browser (localStorage): the guest identity
 * they chose to remember, the edit grants of their own comments, and (`state/session.ts`)
 * the session of a reader who chose to stay signed in. Storage can be missing or full
 * (privacy modes, sandboxed frames), so every access tolerates failure.
 */

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
function read(key: string): unknown {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Stores `value`, or with none removes the key. */
function write(key: string, value?: unknown): void {
  try {
    if (value) localStorage.setItem(key, JSON.stringify(value));
    else localStorage.removeItem(key);
  } catch {
    // Storage disabled or full: the reader just can't edit later.
  }
}

export const loadGuest = () => read('confab:guest') as Guest | undefined;
export const saveGuest = (g?: Guest) => {
  write('confab:guest', g);
};

/** The grant for a comment while its edit window is open at `now`; expired ones are dropped. */
export function loadGrant(id: string, now = Date.now()): EditGrant | undefined {
  const g = read('confab:edit:' + id) as EditGrant | undefined;
  if (g && now < Date.parse(g.until)) return g;
  if (g) write('confab:edit:' + id);
  return undefined;
}

export const saveGrant = (id: string, g?: EditGrant) => {
  write('confab:edit:' + id, g);
};
