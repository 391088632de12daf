/**
 * The rows of the table, as autocannon requests: healthz, pages of the two read threads
 * (first and deep, limit 10 and 50, every sort), each page of the huge thread alone for its
 * server time, posts from 10 and 50 writers, and reads while 50 writers post.
 */
import type autocannon from 'autocannon';
import type { RowSpec } from './load.js';
import { checkPage, cursorAt, pagePath, type Sort } from './pages.js';
import type { Plan } from './plan.js';
import { commentBody, pick, words, type Random } from './random.js';
import { ORIGIN, SITE, type SeededThread } from './seed.js';

export const SORTS: readonly Sort[] = ['oldest', 'newest', 'top'];
export const LIMITS = [10, 50] as const;

/** One page a reader asks for: its name in the table and its path. */
export interface PageTarget {
  name: string;
  path: string;
}

const get = (path: string): autocannon.Request[] => [{ method: 'GET', path }];

/** The first and a deep page (about 80% in) of a thread, every sort and limit, checked once. */
export async function pageTargets(
  base: string,
  thread: SeededThread,
  label: string,
): Promise<PageTarget[]> {
  const targets: PageTarget[] = [];
  for (const sort of SORTS) {
    for (const limit of LIMITS) {
      const first = pagePath(thread.key, sort, limit);
      await checkPage(base, first, { ...thread, topLevel: Math.min(limit, thread.topLevel) });
      targets.push({ name: `${label} ${sort} limit ${limit} first`, path: first });
      const position = Math.min(Math.floor(thread.topLevel * 0.8), thread.topLevel - limit);
      if (position < 1) throw new Error(`${thread.key} is too short for a deep page`);
      const deep = pagePath(
        thread.key,
        sort,
        limit,
        await cursorAt(base, thread.key, sort, position),
      );
      await checkPage(base, deep, { ...thread, topLevel: limit });
      targets.push({ name: `${label} ${sort} limit ${limit} deep`, path: deep });
    }
  }
  return targets;
}

export function healthzRow(plan: Plan): RowSpec {
  return {
    name: 'healthz',
    connections: plan.healthz.connections,
    duration: plan.healthz.seconds,
    requests: get('/healthz'),
  };
}

export function readRow(plan: Plan, target: PageTarget): RowSpec {
  return {
    name: `read ${target.name}`,
    connections: plan.reads.connections,
    duration: plan.reads.seconds,
    requests: get(target.path),
  };
}

export function serverTimeRow(plan: Plan, target: PageTarget): RowSpec {
  return {
    name: `server time ${target.name}`,
    connections: 1,
    duration: plan.serverTimeSeconds,
    requests: get(target.path),
  };
}

/** A guest's comment on one of the post threads; a quarter are replies to a seeded comment. */
function postBody(random: Random, threads: readonly SeededThread[]): string {
  const thread = pick(random, threads);
  const name = words(random, 1);
  return JSON.stringify({
    site: SITE,
    thread: thread.key,
    parentId: random() < 0.25 ? pick(random, thread.replyTargets) : null,
    body: commentBody(random),
    author: {
      name: `${name.charAt(0).toUpperCase()}${name.slice(1)}`,
      ...(random() < 0.5 ? { email: `${name}@example.com` } : {}),
    },
  });
}

export const postsRowName = (writers: number): string => `posts, ${writers} writers`;

/**
 * Writers: every request a new random text (so the near-duplicate rule never fires), the
 * id of each stored comment (201) added to `stored`.
 */
export function postRow(
  name: string,
  writers: number,
  seconds: number,
  context: { random: Random; threads: readonly SeededThread[]; stored: Set<string> },
): RowSpec {
  return {
    name,
    connections: writers,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/comments',
        headers: { Origin: ORIGIN, 'Content-Type': 'application/json' },
        setupRequest: (request) => ({
          ...request,
          body: postBody(context.random, context.threads),
        }),
        onResponse: (status, body) => {
          if (status !== 201) return;
          const answer = JSON.parse(body) as { comment: { id: string } };
          context.stored.add(answer.comment.id);
        },
      },
    ],
  };
}

/** The mixed row: 50 writers, and readers of one page (the widget's request). */
export function mixedRows(
  plan: Plan,
  page: PageTarget,
  context: Parameters<typeof postRow>[3],
): RowSpec[] {
  return [
    postRow(
      `mixed: posts, ${plan.mixed.writers} writers`,
      plan.mixed.writers,
      plan.mixed.seconds,
      context,
    ),
    {
      name: `mixed: read ${page.name}`,
      connections: plan.mixed.readers,
      duration: plan.mixed.seconds,
      requests: get(page.path),
    },
  ];
}
