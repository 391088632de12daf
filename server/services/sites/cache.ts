/**
 * @module services/sites/cache
 * Every request needs its site (origins, limits, rules): the sites table is read at most
 * once every two seconds and kept in memory, instead of once or twice per request. A
 * change made through this process (`site update` in /admin) is seen at once; one made by
 * another process (the `confab site` command while `serve` runs) within two seconds.
 * The time is the process's own monotonic clock: how fresh a cache is has nothing to do
 * with the time the server stamps on comments.
 */
import type { Db } from '../../store/dialect.js';
import type { SiteRow } from '../../store/schema.js';
import { findAllSites } from '../../store/sites.js';

export const SITE_CACHE_MS = 2000;

export interface SiteCache {
  /** Every site's row, fresh within {@link SITE_CACHE_MS}. */
  rows(db: Db): Promise<ReadonlyMap<string, SiteRow>>;
  /** Reads the table again on next use (this process changed a site). */
  forget(): void;
}

export function createSiteCache(clock: () => number = () => performance.now()): SiteCache {
  let loaded: { at: number; rows: Promise<ReadonlyMap<string, SiteRow>> } | undefined;
  return {
    rows(db) {
      const now = clock();
      if (loaded === undefined || now - loaded.at >= SITE_CACHE_MS) {
        const rows = findAllSites(db).then((all) => new Map(all.map((row) => [row.id, row])));
        loaded = { at: now, rows };
        // A failed read is not kept: the next request tries again.
        rows.catch(() => {
          if (loaded?.rows === rows) loaded = undefined;
        });
      }
      return loaded.rows;
    },
    forget() {
      loaded = undefined;
    },
  };
}
