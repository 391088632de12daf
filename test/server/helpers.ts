/**
 * Test fixtures: a real app over a real SQLite file in a fresh temporary folder, with a
 * clock the test can move.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { createApp } from '../../server/app.js';
import { buildRuntime, loadWidget } from '../../server/bootstrap.js';
import { loadConfig } from '../../server/config.js';
import type { Deps, Logger } from '../../server/deps.js';
import type { AppEnv } from '../../server/env.js';
import { addSite, type SiteSettings } from '../../server/services/sites/sites.js';
import { writeWidgetFixture } from './support/widget-fixture.js';

export const ORIGIN = 'https://blog.example';

export interface TestApp {
  app: Hono<AppEnv>;
  deps: Deps;
  dir: string;
  /** Moves the test clock forward. */
  advance(ms: number): void;
  /** A request as a browser on `origin` (default the site's) from client address `ip`. */
  request(path: string, init?: TestInit): Promise<Response>;
  post(body: unknown, init?: TestInit): Promise<Response>;
  close(): Promise<void>;
  /** Stops this server and starts a new one on the same database and clock (a restart). */
  reopen(): Promise<TestApp>;
}

export interface TestInit extends RequestInit {
  origin?: string | null;
  ip?: string;
}

export async function makeTestApp(
  options: {
    site?: SiteSettings;
    env?: NodeJS.ProcessEnv;
    widget?: boolean;
    /** Where the server logs (silent unless given). */
    logger?: Logger;
    /** An existing test app's folder and clock: the same database, its site already there. */
    reuse?: { dir: string; clock: number };
  } = {},
): Promise<TestApp> {
  const dir = options.reuse?.dir ?? mkdtempSync(join(tmpdir(), 'confab-test-'));
  let clock = options.reuse?.clock ?? Date.parse('2026-03-14T12:00:00.000Z');
  // Markdown renders on the test's own thread unless a test asks for workers: each app would
  // otherwise start one (the pool itself is tested in render-pool.test.ts, and end to end).
  const config = loadConfig({
    CONFAB_DB: join(dir, 'confab.sqlite'),
    CONFAB_RENDER_THREADS: '0',
    ...options.env,
  });
  const silent = { info: () => undefined, error: () => undefined };
  const runtime = await buildRuntime(config, {
    logger: options.logger ?? silent,
    now: () => new Date(clock),
    widget: options.widget === true ? loadWidget(writeWidgetFixture(dir)) : undefined,
  });
  const { deps } = runtime;
  // No fill-time minimum or limits unless a test asks: most tests post quickly, in bulk.
  if (options.reuse === undefined)
    await addSite(deps, 'blog', {
      origins: [ORIGIN],
      rateLimit: 0,
      minFillSeconds: 0,
      threadRateLimit: 0,
      newThreadLimit: 0,
      ...options.site,
    });
  const app = createApp(deps);

  const request = (path: string, init: TestInit = {}): Promise<Response> => {
    const { origin = ORIGIN, ip = '203.0.113.7', ...rest } = init;
    const headers = new Headers(rest.headers);
    if (origin !== null && !headers.has('Origin')) headers.set('Origin', origin);
    const env = { incoming: { socket: { remoteAddress: ip } } };
    return Promise.resolve(app.request(path, { ...rest, headers }, env as never));
  };

  return {
    app,
    deps,
    dir,
    advance: (ms) => {
      clock += ms;
    },
    request,
    post: (body, init = {}) =>
      request('/api/v1/comments', {
        method: 'POST',
        ...init,
        headers: {
          'Content-Type': 'application/json',
          ...(init.headers as Record<string, string>),
        },
        body: JSON.stringify(body),
      }),
    close: async () => {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
    reopen: async () => {
      await runtime.close();
      return makeTestApp({ ...options, reuse: { dir, clock } });
    },
  };
}

/** A valid guest comment body for site `blog`, with overrides. */
/** A guest's comment; each has its own words (the server refuses a reader's repeats). */
export function guestComment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    site: 'blog',
    thread: '/2014/03/my-post/',
    body: `Hello there, ${randomUUID().slice(0, 8)}`,
    author: { name: 'Alice', email: 'alice@example.com', url: 'https://alice.example' },
    threadTitle: 'My post',
    threadUrl: `${ORIGIN}/2014/03/my-post/`,
    ...overrides,
  };
}

export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/**
 * A test's own edit of stored rows writes no event: this moves every thread's version as a
 * real write's event does, so pages kept for that version are built again.
 */
export async function touchThreads(t: TestApp): Promise<void> {
  await t.deps.db
    .updateTable('threads')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .execute();
}
