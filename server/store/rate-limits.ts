/**
 * @module store/rate-limits
 * Fixed-window counters kept in the database, so several server processes share them.
 */
import type { Db } from './dialect.js';

/** Counts one hit in `bucket` for the window starting at `windowStart`; returns the hits so far. */
export async function hitRateLimit(db: Db, bucket: string, windowStart: number): Promise<number> {
  const row = await db
    .insertInto('rate_limits')
    .values({ bucket, window_start: windowStart, hits: 1 })
    .onConflict((oc) =>
      oc.column('bucket').doUpdateSet((eb) => ({
        hits: eb
          .case()
          .when('rate_limits.window_start', '=', eb.ref('excluded.window_start'))
          .then(eb('rate_limits.hits', '+', 1))
          .else(1)
          .end(),
        window_start: eb.ref('excluded.window_start'),
      })),
    )
    .returning('hits')
    .executeTakeFirstOrThrow();
  return row.hits;
}

export function findRateLimit(
  db: Db,
  bucket: string,
): Promise<{ window_start: number; hits: number } | undefined> {
  return db
    .selectFrom('rate_limits')
    .select(['window_start', 'hits'])
    .where('bucket', '=', bucket)
    .executeTakeFirst();
}

export async function deleteRateLimitsBefore(db: Db, windowStart: number): Promise<void> {
  await db.deleteFrom('rate_limits').where('window_start', '<', windowStart).execute();
}
