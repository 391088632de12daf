/**
 * `npm run bench` in its tiny mode, as a child process against the built server: it must
 * keep running (seed, serve, load, table) as the server changes. It times nothing; it
 * checks that every row ran without a failed answer and that the posts were stored.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { before, describe, it } from 'node:test';

const SORTS = ['oldest', 'newest', 'top'];
const LIMITS = [10, 50];

function pageRows(prefix: string, label: string): string[] {
  return SORTS.flatMap((sort) =>
    LIMITS.flatMap((limit) =>
      ['first', 'deep'].map((page) => `${prefix} ${label} ${sort} limit ${limit} ${page}`),
    ),
  );
}

const ROWS = [
  'healthz',
  ...pageRows('read', '200'),
  ...pageRows('read', '1k'),
  ...pageRows('server time', '1k'),
  'posts, 2 writers',
  'posts, 5 writers',
  'mixed: posts, 5 writers',
  'mixed: read 200 oldest limit 50 first',
  'live: 20 streams held',
  'live: 2 posts to 10 streams',
];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The bench as `npm run bench` starts it, after the build `npm run test:e2e` needs anyway. */
function runBench(): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--tiny'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill(), 120_000);
  return new Promise((resolve) => {
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('npm run bench -- --tiny', () => {
  let run: Run;
  let lines: string[] = [];
  let header: string[] = [];
  let table = new Map<string, string[]>();
  const column = (name: string): number => header.indexOf(name) - 2;

  before(async () => {
    run = await runBench();
    lines = run.stdout.split('\n');
    header =
      lines
        .find((l) => l.startsWith('| row '))
        ?.split('|')
        .map((c) => c.trim()) ?? [];
    table = new Map(
      lines
        .filter((l) => l.startsWith('| ') && !l.startsWith('| row '))
        .map((l) => {
          const cells = l.split('|').map((c) => c.trim());
          return [cells[1] ?? '', cells.slice(2, -1)] as const;
        }),
    );
  });

  it('exits 0 and prints the machine it ran on', () => {
    assert.equal(run.status, 0, `exit ${String(run.status)}\n${run.stderr}\n${run.stdout}`);
    assert.match(run.stdout, /^machine: .+, \d+ cores, Node v\d+/m);
  });

  it('prints one table with every row, each with answers per second', () => {
    assert.deepEqual([...table.keys()], ROWS);
    for (const [name, cells] of table) {
      assert.ok(Number(cells[column('req/s')]) > 0, `${name}: no answers`);
      assert.ok(Number(cells[column('peak RSS MB')]) > 0, `${name}: no RSS`);
    }
  });

  it('has no failed answer in any row', () => {
    for (const [name, cells] of table) {
      assert.equal(cells[column('non-2xx')], '0', `${name}: non-2xx answers\n${run.stdout}`);
      assert.equal(cells[column('net errors')], '0', `${name}: timeouts\n${run.stdout}`);
    }
  });

  it('says for each goal whether it is met', () => {
    const goals = lines.filter((l) => /^- (met|not met): /.test(l));
    assert.equal(goals.length, 5, run.stdout);
  });

  it('finds every post the server accepted in its thread, and the counts agree', () => {
    const stored =
      /^stored: (\d+) posts answered 201, (\d+) of them read back from their threads; \/api\/v1\/counts says (\d+), the threads list (\d+)/m.exec(
        run.stdout,
      );
    assert.ok(stored, run.stdout);
    const [, answered, found, counted, listed] = stored.map(Number);
    assert.ok(answered! > 0, 'no post was accepted');
    assert.equal(found, answered);
    assert.equal(counted, listed);
  });
});
