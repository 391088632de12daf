/**
 * The queries the server runs to read a thread and to post a comment, each through SQLite's
 * EXPLAIN QUERY PLAN on a database as a server has it (no ANALYZE statistics): none reads
 * the comments table from end to end, and a page is read in index order, never sorted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CompiledQuery,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import type { CreateCommentResponse } from '../../server/contract.js';
import type { Deps } from '../../server/deps.js';
import { postComment } from '../../server/services/posting/post.js';
import { countComments, readThread } from '../../server/services/reading/threads.js';
import { guestComment, json, makeTestApp, ORIGIN, type TestApp } from './helpers.js';

/** Keeps every query a service sends, to explain it afterwards. */
function recorder(): KyselyPlugin & { queries: RootOperationNode[] } {
  const queries: RootOperationNode[] = [];
  return {
    queries,
    transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
      queries.push(node);
      return node;
    },
    transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return Promise.resolve(result);
    },
  };
}

interface Plan {
  sql: string;
  steps: string[];
}

async function plansOf<T>(
  t: TestApp,
  run: (deps: Deps) => Promise<T>,
): Promise<{ plans: Plan[]; result: T }> {
  const record = recorder();
  const result = await run({ ...t.deps, db: t.deps.db.withPlugin(record) });
  const executor = t.deps.db.getExecutor();
  const plans: Plan[] = [];
  for (const [i, node] of record.queries.entries()) {
    if (node.kind !== 'SelectQueryNode') continue;
    const compiled = executor.compileQuery(node, { queryId: `plan-${String(i)}` });
    const explained = await t.deps.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
    );
    plans.push({ sql: compiled.sql, steps: explained.rows.map((r) => r.detail) });
  }
  return { plans, result };
}

function assertNoScanOfComments(plans: readonly Plan[]): void {
  for (const plan of plans) {
    for (const step of plan.steps) {
      assert.doesNotMatch(step, /^SCAN comments\b(?! USING)/, `${plan.sql}\n  ${step}`);
    }
  }
}

describe('query plans', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
    // A thread with top-level comments, replies, pinned and held ones, and a second thread.
    let parent: string | null = null;
    for (let i = 0; i < 60; i++) {
      const res = await t.post(
        guestComment({
          thread: i % 10 === 9 ? '/other/' : '/plans/',
          body: `Comment number ${String(i)} about something else each time`,
          parentId: i % 3 === 2 ? parent : null,
          author: { name: `Reader ${String(i % 7)}`, email: `r${String(i % 7)}@example.com` },
        }),
        { ip: `198.51.100.${String(i % 20)}` },
      );
      const created = await json<CreateCommentResponse>(res);
      if (i % 3 === 0) parent = created.comment.id;
    }
  });
  after(() => t.close());

  it('reads every page of every sort through indexes, without sorting', async () => {
    for (const sort of ['oldest', 'newest', 'top']) {
      let cursor: string | undefined;
      do {
        const { plans, result } = await plansOf(t, (deps) =>
          readThread(deps, { site: 'blog', thread: '/plans/', sort, limit: '5', cursor }),
        );
        assertNoScanOfComments(plans);
        const reading = plans.filter(
          (p) => /from "comments"/.test(p.sql) && /order by/.test(p.sql),
        );
        assert.ok(reading.length >= 2, 'the page and its replies were read');
        for (const plan of reading) {
          assert.ok(
            !plan.steps.some((s) => s.includes('TEMP B-TREE')),
            `${sort}: ${plan.sql}\n  ${plan.steps.join('\n  ')}`,
          );
        }
        cursor = result.nextCursor ?? undefined;
      } while (cursor !== undefined);
    }
  });

  it('reads the page around a comment (a permalink) through indexes, without sorting', async () => {
    const reply = await t.deps.db
      .selectFrom('comments')
      .innerJoin('threads', 'threads.id', 'comments.thread_id')
      .select('comments.id')
      .where('threads.key', '=', '/plans/')
      .where('comments.depth', '>', 0)
      .orderBy('comments.created_at', 'desc')
      .executeTakeFirstOrThrow();
    for (const sort of ['oldest', 'newest', 'top']) {
      const { plans, result } = await plansOf(t, (deps) =>
        readThread(deps, { site: 'blog', thread: '/plans/', sort, limit: '5', around: reply.id }),
      );
      assert.equal(result.around?.found, true, sort);
      assertNoScanOfComments(plans);
      for (const plan of plans.filter((p) => /from "comments"/.test(p.sql))) {
        assert.ok(
          !plan.steps.some((s) => s.includes('TEMP B-TREE')),
          `${sort}: ${plan.sql}\n  ${plan.steps.join('\n  ')}`,
        );
      }
    }
  });

  it('counts and posts without reading every comment of the site', async () => {
    const counted = await plansOf(t, (deps) =>
      countComments(deps, 'blog', ['/plans/', '/other/', '/none/']),
    );
    assertNoScanOfComments(counted.plans);
    const caller = { origin: ORIGIN, clientHash: 'client-hash', idempotencyKey: 'plan-1' };
    const { plans } = await plansOf(t, (deps) =>
      postComment(
        deps,
        guestComment({ thread: '/plans/', body: 'One more, to see how it is checked' }) as never,
        caller,
      ),
    );
    assert.ok(plans.length >= 5, 'the checks ran their queries');
    assertNoScanOfComments(plans);
  });
});
