/**
 * Helpers for the import and export suites: fixture paths, one import through the same
 * entry point as the CLI, and what the database and the public API then say.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ThreadResponse } from '../../server/contract.js';
import { importFile, type ImportFormat, type ImportSummary } from '../../server/import/index.js';
import type { FileImportOptions } from '../../server/import/index.js';
import { json, type TestApp } from './helpers.js';

/**
 * The real export files of `../shared/research/fixtures` (beside the checkout; see its
 * SOURCES.md). They stay there, not in this repository: some are GPL test data.
 * `CONFAB_FIXTURES` points elsewhere when the checkout is not beside `shared/`.
 */
function findFixtures(): string {
  const candidates = [
    process.env.CONFAB_FIXTURES,
    join(import.meta.dirname, '../../../shared/research/fixtures'),
  ].filter((c): c is string => c !== undefined && c !== '');
  const found = candidates.find((c) => existsSync(join(c, 'SOURCES.md')));
  if (found === undefined) {
    throw new Error(
      `import fixtures not found (looked in ${candidates.join(', ')}); set CONFAB_FIXTURES`,
    );
  }
  return found;
}

export const FIXTURES = findFixtures();

export const fixture = (name: string): string => join(FIXTURES, name);

export function importInto(
  t: TestApp,
  format: ImportFormat,
  path: string,
  options: Partial<FileImportOptions> = {},
): Promise<ImportSummary> {
  return importFile(t.deps, path, { site: 'blog', format, ...options });
}

/** Writes `text` to a file in the test's folder and returns its path. */
export function writeTemp(t: TestApp, name: string, text: string): string {
  const path = join(t.dir, name);
  writeFileSync(path, text);
  return path;
}

export interface StoredComment {
  id: string;
  key: string;
  parent_id: string | null;
  root_id: string;
  depth: number;
  status: string;
  author_name: string | null;
  author_email: string | null;
  ip_hash: string | null;
  user_id: string | null;
  body_source: string;
  body_html: string;
  created_at: string;
}

export function stored(t: TestApp): Promise<StoredComment[]> {
  return t.deps.db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .select([
      'comments.id',
      'threads.key',
      'comments.parent_id',
      'comments.root_id',
      'comments.depth',
      'comments.status',
      'comments.author_name',
      'comments.author_email',
      'comments.ip_hash',
      'comments.user_id',
      'comments.body_source',
      'comments.body_html',
      'comments.created_at',
    ])
    .orderBy('comments.created_at')
    .orderBy('comments.id')
    .execute();
}

export async function threadKeys(t: TestApp): Promise<string[]> {
  const rows = await t.deps.db.selectFrom('threads').select('key').orderBy('key').execute();
  return rows.map((r) => r.key);
}

export async function readThread(t: TestApp, key: string): Promise<ThreadResponse> {
  const res = await t.request(`/api/v1/threads?site=blog&thread=${encodeURIComponent(key)}`);
  assert.equal(res.status, 200, await res.clone().text());
  return json<ThreadResponse>(res);
}

/** Status counts as `{ published: 3, pending: 1 }`. */
export function byStatus(rows: readonly { status: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

/** Each comment's parent as (author, parent's author), for threading checks. */
export function parentsByAuthor(rows: readonly StoredComment[]): [string, string | null][] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return rows.map((r) => [
    r.author_name ?? '(none)',
    r.parent_id === null ? null : (byId.get(r.parent_id)?.author_name ?? '(none)'),
  ]);
}

/** A minimal WXR file around the given `<item>`s. */
export function wxr(items: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Test</title>
${items}
</channel></rss>
`;
}

export interface WxrComment {
  id: number;
  parent?: number;
  author?: string;
  email?: string;
  ip?: string;
  content?: string;
  approved?: string;
  type?: string;
  date?: string;
  dateGmt?: string;
}

export function wxrItem(link: string, postId: number, comments: WxrComment[]): string {
  return `<item><title>Post ${postId}</title><link>${link}</link><wp:post_id>${postId}</wp:post_id>
${comments
  .map(
    (c) => `<wp:comment><wp:comment_id>${c.id}</wp:comment_id>
<wp:comment_author><![CDATA[${c.author ?? `Reader ${c.id}`}]]></wp:comment_author>
<wp:comment_author_email>${c.email ?? ''}</wp:comment_author_email>
<wp:comment_author_IP>${c.ip ?? ''}</wp:comment_author_IP>
<wp:comment_date>${c.date ?? '2020-01-01 10:00:00'}</wp:comment_date>
<wp:comment_date_gmt>${c.dateGmt ?? '2020-01-01 10:00:00'}</wp:comment_date_gmt>
<wp:comment_content><![CDATA[${c.content ?? `Comment ${c.id}`}]]></wp:comment_content>
<wp:comment_approved>${c.approved ?? '1'}</wp:comment_approved>
<wp:comment_type>${c.type ?? ''}</wp:comment_type>
<wp:comment_parent>${c.parent ?? 0}</wp:comment_parent>
</wp:comment>`,
  )
  .join('\n')}
</item>`;
}
