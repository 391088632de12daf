/**
 * After the writers: are the posts really stored? Every comment the server answered 201
 * for must be listed in its thread, and `/api/v1/counts` must agree with the listing.
 * Requests still in flight when a row ended, or that timed out, may have been stored too,
 * unanswered: at most one per writer and row, plus one per timeout.
 */
import { counts, listIds } from './pages.js';
import type { SeededThread } from './seed.js';

export interface StoredCheck {
  ok: boolean;
  line: string;
}

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

/** Waits until the counts have not moved for 1.5 s: the cut-off requests are done. */
async function settledCounts(base: string, keys: readonly string[]): Promise<number> {
  let last = sum((await counts(base, keys)).values());
  let still = 0;
  for (let i = 0; i < 60 && still < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = sum((await counts(base, keys)).values());
    still = now === last ? still + 1 : 0;
    last = now;
  }
  return last;
}

export async function checkStored(
  base: string,
  threads: readonly SeededThread[],
  answered: ReadonlySet<string>,
  maxUnanswered: number,
): Promise<StoredCheck> {
  const keys = threads.map((t) => t.key);
  const counted = await settledCounts(base, keys);
  const listed = new Set<string>();
  for (const key of keys) for (const id of await listIds(base, key)) listed.add(id);
  const found = [...answered].filter((id) => listed.has(id)).length;
  const seeded = sum(threads.map((t) => t.published));
  const unanswered = listed.size - seeded - found;
  const ok =
    answered.size > 0 &&
    found === answered.size &&
    counted === listed.size &&
    unanswered >= 0 &&
    unanswered <= maxUnanswered;
  return {
    ok,
    line:
      `stored: ${answered.size} posts answered 201, ${found} of them read back from their threads; ` +
      `/api/v1/counts says ${counted}, the threads list ${listed.size} ` +
      `(${seeded} seeded + ${found} + ${unanswered} cut off unanswered at the end of a row, at most ${maxUnanswered})`,
  };
}
