/**
 * Plain HTTP reads the bench makes outside the measured rows: finding a deep page's cursor
 * by walking `nextCursor`, checking that a page is what was seeded, and reading threads
 * back to see that the posts were stored.
 */
import { SITE } from './seed.js';

export type Sort = 'oldest' | 'newest' | 'top';

interface Page {
  thread: { commentCount: number };
  comments: { id: string; parentId: string | null; status: string }[];
  nextCursor: string | null;
}

/** The path of `GET /api/v1/threads` for one page. */
export function pagePath(key: string, sort: Sort, limit: number, cursor?: string): string {
  const query = new URLSearchParams({ site: SITE, thread: key, sort, limit: String(limit) });
  if (cursor !== undefined) query.set('cursor', cursor);
  return `/api/v1/threads?${query.toString()}`;
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}

export async function getPage(base: string, path: string): Promise<Page> {
  return (await getJson(`${base}${path}`)) as Page;
}

const topLevelOf = (page: Page): number => page.comments.filter((c) => c.parentId === null).length;

/**
 * The cursor after `position` top-level comments, found by walking pages of up to 200 (a
 * cursor is a position, whatever the limit of the page that gave it).
 */
export async function cursorAt(
  base: string,
  key: string,
  sort: Sort,
  position: number,
): Promise<string> {
  let cursor: string | undefined;
  let done = 0;
  while (done < position) {
    const step = Math.min(200, position - done);
    const page = await getPage(base, pagePath(key, sort, step, cursor));
    if (page.nextCursor === null || topLevelOf(page) !== step) {
      throw new Error(`${key} (${sort}) ended after ${done + topLevelOf(page)} top-level comments`);
    }
    done += step;
    cursor = page.nextCursor;
  }
  if (cursor === undefined) throw new Error('a deep page needs a position past the first page');
  return cursor;
}

/** Checks one page against the seeded thread: status 200, the right count and page size. */
export async function checkPage(
  base: string,
  path: string,
  expected: { published: number; topLevel: number },
): Promise<void> {
  const page = await getPage(base, path);
  if (page.thread.commentCount !== expected.published) {
    throw new Error(
      `GET ${path}: commentCount ${page.thread.commentCount}, seeded ${expected.published}`,
    );
  }
  if (topLevelOf(page) !== expected.topLevel) {
    throw new Error(
      `GET ${path}: ${topLevelOf(page)} top-level comments, expected ${expected.topLevel}`,
    );
  }
}

/** Every comment id a thread lists, page by page. */
export async function listIds(base: string, key: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await getPage(base, pagePath(key, 'oldest', 200, cursor));
    for (const c of page.comments) ids.add(c.id);
    if (page.nextCursor === null) return ids;
    cursor = page.nextCursor;
  }
}

/** Published comments per thread, from `GET /api/v1/counts`. */
export async function counts(base: string, keys: readonly string[]): Promise<Map<string, number>> {
  const query = new URLSearchParams({ site: SITE });
  for (const key of keys) query.append('thread', key);
  const body = (await getJson(`${base}/api/v1/counts?${query.toString()}`)) as {
    counts: Record<string, number>;
  };
  return new Map(keys.map((key) => [key, body.counts[key] ?? NaN]));
}
