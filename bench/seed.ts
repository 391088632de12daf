/**
 * Seeds the bench's site by writing a Confab export (docs/export-format.md) and importing it
 * with the built CLI: thousands of comments in seconds, with the shape of a real thread —
 * top-level comments and replies a few deep, varied scores and times, a few pinned, a few
 * held or spam (which readers never see).
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runConfab } from './confab.js';
import { between, commentBody, pick, randomSource, words, type Random } from './random.js';

export const SITE = 'bench';
export const ORIGIN = 'https://bench.example';

/** What the bench needs to know about a seeded thread. */
export interface SeededThread {
  key: string;
  /** Comments in the file, of every status. */
  size: number;
  /** Published comments: what `commentCount` and `/api/v1/counts` say. */
  published: number;
  /** Published top-level comments: what pages are made of. */
  topLevel: number;
  /** Published comment ids, to reply to. */
  replyTargets: string[];
}

interface ExportComment {
  id: string;
  threadId: string;
  parentId: string | null;
  rootId: string;
  depth: number;
  status: 'published' | 'pending' | 'spam';
  bodySource: string;
  bodyHtml: string;
  renderVersion: number;
  author: { name: string; email: string | null; url: string | null };
  user: null;
  ipHash: null;
  emailHash: null;
  score: number;
  pinned: boolean;
  createdAt: string;
  editedAt: null;
  deletedAt: null;
  heldReason: string | null;
  spamCheck: null;
  imported: [];
}

const DAY = 86_400_000;
/** Replies go to one of the last few comments: a conversation, not a random tree. */
const RECENT = 40;
const MAX_DEPTH = 4;

function authorOf(random: Random): ExportComment['author'] {
  const first = words(random, 1);
  const name = `${first.charAt(0).toUpperCase()}${first.slice(1)} ${String.fromCharCode(65 + between(random, 0, 25))}.`;
  const email = random() < 0.6 ? `${first}${between(random, 1, 999)}@example.com` : null;
  return { name, email, url: random() < 0.1 ? `https://${first}.example` : null };
}

/** Mostly small scores, a long tail of popular ones, some below zero. */
function scoreOf(random: Random): number {
  return Math.floor(Math.exp(random() * 5)) - 3;
}

function threadComments(
  random: Random,
  threadId: string,
  size: number,
  end: number,
): ExportComment[] {
  const span = Math.max(DAY, size * 600_000);
  let time = end - span;
  const comments: ExportComment[] = [];
  for (let i = 0; i < size; i++) {
    time += Math.max(1000, Math.round(-Math.log(1 - random()) * (span / size)));
    const recent = comments.slice(-RECENT).filter((c) => c.depth < MAX_DEPTH);
    const parent = i > 0 && random() < 0.55 && recent.length > 0 ? pick(random, recent) : null;
    const id = randomUUID();
    comments.push({
      id,
      threadId,
      parentId: parent?.id ?? null,
      rootId: parent?.rootId ?? id,
      depth: parent === null ? 0 : parent.depth + 1,
      status: 'published',
      bodySource: commentBody(random),
      bodyHtml: '',
      renderVersion: 1,
      author: authorOf(random),
      user: null,
      ipHash: null,
      emailHash: null,
      score: scoreOf(random),
      pinned: false,
      createdAt: new Date(Math.min(time, end)).toISOString(),
      editedAt: null,
      deletedAt: null,
      heldReason: null,
      spamCheck: null,
      imported: [],
    });
  }
  const parents = new Set(comments.map((c) => c.parentId));
  for (const c of comments) {
    // Only comments nobody answered may be held or spam: a reply needs a visible parent.
    if (parents.has(c.id) || random() >= 0.03) continue;
    c.status = random() < 0.66 ? 'pending' : 'spam';
    c.heldReason = c.status === 'pending' ? 'policy' : null;
  }
  const topLevel = comments.filter((c) => c.depth === 0 && c.status === 'published');
  for (let n = 0; n < Math.min(3, Math.ceil(size / 100)); n++) pick(random, topLevel).pinned = true;
  return comments;
}

function summary(key: string, comments: ExportComment[]): SeededThread {
  const published = comments.filter((c) => c.status === 'published');
  return {
    key,
    size: comments.length,
    published: published.length,
    topLevel: published.filter((c) => c.parentId === null).length,
    replyTargets: published.map((c) => c.id),
  };
}

/** Writes the export file for threads of the given sizes; returns what it holds. */
export function writeExport(
  file: string,
  threads: readonly { key: string; size: number }[],
  seed: number,
): SeededThread[] {
  const random = randomSource(seed);
  const now = Date.now();
  const created = new Date(now - 400 * DAY).toISOString();
  const lines: string[] = [];
  const seeded: SeededThread[] = [];
  const threadLines: string[] = [];
  for (const { key, size } of threads) {
    const id = randomUUID();
    const comments = threadComments(random, id, size, now - 60_000);
    threadLines.push(
      JSON.stringify({
        id,
        key,
        title: `Bench ${key}`,
        url: `${ORIGIN}${key}`,
        locked: false,
        createdAt: comments[0]?.createdAt ?? created,
      }),
    );
    for (const c of comments) lines.push(JSON.stringify(c));
    seeded.push(summary(key, comments));
  }
  const site = {
    id: SITE,
    name: SITE,
    origins: JSON.stringify([ORIGIN]),
    moderation: 'none',
    allow_guests: 1,
    rate_limit: 0,
    created_at: created,
    updated_at: created,
  };
  const head = { format: 'confab-export', version: 1, exportedAt: new Date(now).toISOString() };
  const text = `${JSON.stringify(head).slice(0, -1)},"site":${JSON.stringify(site)},"roles":[],
"threads":[
${threadLines.join(',\n')}
],
"comments":[
${lines.join(',\n')}
],
"users":[]}
`;
  writeFileSync(file, text);
  return seeded;
}

/**
 * Creates the site with every guard and limit off (the bench measures the server, not its
 * refusals), then imports the threads into `db`.
 */
export function seedSite(
  dir: string,
  db: string,
  threads: readonly { key: string; size: number }[],
): SeededThread[] {
  runConfab([
    'site',
    'add',
    SITE,
    '--origin',
    ORIGIN,
    '--moderation',
    'none',
    '--rate-limit',
    'off',
    '--thread-rate-limit',
    'off',
    '--min-fill',
    'off',
    '--pow',
    'off',
    '--no-spam-check',
    '--db',
    db,
  ]);
  const file = join(dir, 'seed.json');
  const seeded = writeExport(file, threads, 20260314);
  const out = runConfab(['import', 'confab', file, '--site', SITE, '--json', '--db', db]);
  const result = JSON.parse(out) as { comments: Record<string, number> };
  const imported = Object.values(result.comments).reduce((a, b) => a + b, 0);
  const expected = seeded.reduce((n, t) => n + t.size, 0);
  if (imported !== expected) {
    throw new Error(`the import stored ${imported} of ${expected} seeded comments: ${out}`);
  }
  return seeded;
}
