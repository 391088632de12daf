/**
 * @module services/reading/page-cache
 * Thread pages as anonymous readers get them, serialized once per thread version. Every
 * change a reader could see writes an event, and every event moves its thread's `version`
 * (services/events/log.ts), so a page kept with the version it was built at is exactly the
 * page that would be built now while the version is the same. What changes without an
 * event (an account's new name or avatar, a role given on the command line) shows within
 * `FRESH_MS`. Kept up to a budget of bytes, the least recently used dropped first; the
 * compressed forms are made the first time a reader asks for them and kept beside it.
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** How long a page is served without rebuilding, at most, while its thread is unchanged. */
export const FRESH_MS = 60_000;
/** The budget when none is configured: about 200 pages of 50 comments with their codings. */
export const DEFAULT_BUDGET_BYTES = 8 * 1024 * 1024;

export type Coding = 'br' | 'gzip';

/** A serialized page: its JSON, an ETag of exactly those bytes, and its compressed forms. */
export interface SerializedPage {
  readonly json: Buffer;
  readonly etag: string;
  /** The JSON in `coding`, compressed on first use and then kept. */
  readonly encoded: (coding: Coding) => Buffer;
}

interface Entry {
  readonly page: SerializedPage;
  readonly version: number;
  readonly builtAt: number;
  bytes: number;
}

export interface PageCache {
  /** The page kept under `key`, if it was built at `version` and is still fresh at `now`. */
  get(key: string, version: number, now: number): SerializedPage | undefined;
  /** Serializes `value` and keeps it under `key` as built at `version`. */
  store(key: string, version: number, now: number, value: unknown): SerializedPage;
  /** Bytes held now (JSON and the codings made so far). */
  readonly size: number;
}

const compress: Record<Coding, (json: Buffer) => Buffer> = {
  // Quality 5: within a few percent of the best for JSON at a hundredth of its time.
  br: (json) =>
    brotliCompressSync(json, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_SIZE_HINT]: json.length,
      },
    }),
  gzip: (json) => gzipSync(json, { level: 6 }),
};

/** Serializes `value`; `onGrow` hears of each coding's bytes as it is made. */
export function serializePage(value: unknown, onGrow?: (bytes: number) => void): SerializedPage {
  const json = Buffer.from(JSON.stringify(value));
  // Weak: the same page in any coding is the same page.
  const etag = `W/"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
  const made = new Map<Coding, Buffer>();
  return {
    json,
    etag,
    encoded: (coding) => {
      let out = made.get(coding);
      if (out === undefined) {
        out = compress[coding](json);
        made.set(coding, out);
        onGrow?.(out.length);
      }
      return out;
    },
  };
}

export function createPageCache(budgetBytes = DEFAULT_BUDGET_BYTES): PageCache {
  // A Map iterates in insertion order: re-inserting on use keeps the oldest first.
  const entries = new Map<string, Entry>();
  let size = 0;

  const drop = (key: string): void => {
    const entry = entries.get(key);
    if (entry === undefined) return;
    entries.delete(key);
    size -= entry.bytes;
  };
  const trim = (): void => {
    for (const key of entries.keys()) {
      if (size <= budgetBytes) return;
      drop(key);
    }
  };

  return {
    get(key, version, now) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.version !== version || now - entry.builtAt >= FRESH_MS) {
        drop(key);
        return undefined;
      }
      entries.delete(key);
      entries.set(key, entry);
      return entry.page;
    },
    store(key, version, now, value) {
      drop(key);
      const entry: Entry = {
        page: serializePage(value, (bytes) => {
          // A coding made after the page was dropped is nobody's to count.
          if (entries.get(key) !== entry) return;
          entry.bytes += bytes;
          size += bytes;
          trim();
        }),
        version,
        builtAt: now,
        bytes: 0,
      };
      entry.bytes = entry.page.json.length;
      if (entry.bytes > budgetBytes / 4) return entry.page;
      entries.set(key, entry);
      size += entry.bytes;
      trim();
      return entry.page;
    },
    get size() {
      return size;
    },
  };
}
