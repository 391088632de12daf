/**
 * What one run does, from its flags: the full bench (threads of 200 and 10,000 comments,
 * rows of seconds, the goals' 50 writers for 30 s) or `--tiny` (200 and 1,000, rows of a
 * second or less: the test's mode, to keep the bench running, not to measure).
 */

export interface Plan {
  tiny: boolean;
  /** Exit 1 when a goal is not met. */
  checkGoals: boolean;
  /** The two read threads: the widget's typical thread and a huge one. */
  threads: { key: string; size: number; label: string }[];
  /** Threads the writers post into, each seeded with a few comments. */
  postThreads: { key: string; size: number }[];
  warmupSeconds: number;
  healthz: { connections: number; seconds: number };
  reads: { connections: number; seconds: number };
  /** Each page of the huge thread at 1 connection, for its server time. */
  serverTimeSeconds: number;
  /** The goals' 10 and 50 writers (fewer in the tiny run). */
  posts: [{ writers: number; seconds: number }, { writers: number; seconds: number }];
  mixed: { writers: number; readers: number; seconds: number };
  /**
   * Live streams to a thread of their own: `held` open at once for `holdSeconds` (the memory
   * they cost), then `posts` comments posted one by one to `streams` open streams.
   */
  live: {
    thread: { key: string; size: number };
    held: number;
    holdSeconds: number;
    streams: number;
    posts: number;
  };
}

export const USAGE = `Usage: npm run bench [-- --tiny] [-- --check-goals]
  --tiny         threads of 200 and 1,000 comments, rows of a second or less, few connections (the test's mode)
  --check-goals  exit 1 when a goal is not met (by default the table only says so)`;

function threads(large: number): Plan['threads'] {
  const label = large >= 1000 ? `${large / 1000}k` : String(large);
  return [
    { key: '/bench/200/', size: 200, label: '200' },
    { key: `/bench/${large}/`, size: large, label },
  ];
}

function postThreads(): Plan['postThreads'] {
  return Array.from({ length: 4 }, (_, i) => ({ key: `/bench/posts-${i + 1}/`, size: 20 }));
}

const LIVE_THREAD = { key: '/bench/live/', size: 20 };

export function planFrom(args: readonly string[]): Plan {
  const unknown = args.filter((a) => a !== '--tiny' && a !== '--check-goals');
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}\n${USAGE}`);
  const checkGoals = args.includes('--check-goals');
  if (args.includes('--tiny')) {
    return {
      tiny: true,
      checkGoals,
      threads: threads(1000),
      postThreads: postThreads(),
      warmupSeconds: 0,
      healthz: { connections: 2, seconds: 0.5 },
      reads: { connections: 2, seconds: 0.3 },
      serverTimeSeconds: 0.2,
      posts: [
        { writers: 2, seconds: 1 },
        { writers: 5, seconds: 1 },
      ],
      mixed: { writers: 5, readers: 2, seconds: 1 },
      live: { thread: LIVE_THREAD, held: 20, holdSeconds: 0.5, streams: 10, posts: 2 },
    };
  }
  return {
    tiny: false,
    checkGoals,
    threads: threads(10_000),
    postThreads: postThreads(),
    warmupSeconds: 2,
    healthz: { connections: 10, seconds: 5 },
    reads: { connections: 10, seconds: 4 },
    serverTimeSeconds: 2,
    posts: [
      { writers: 10, seconds: 10 },
      { writers: 50, seconds: 30 },
    ],
    mixed: { writers: 50, readers: 10, seconds: 10 },
    live: { thread: LIVE_THREAD, held: 2000, holdSeconds: 5, streams: 1000, posts: 20 },
  };
}
