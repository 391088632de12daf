import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, type Run } from './support/cli.js';

describe('confab CLI', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> =>
    runCli(args, { ...env, ...extra });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'confab-cli-'));
    env = { PATH: process.env.PATH, CONFAB_DB: join(dir, 'db', 'confab.sqlite') };
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates a new database file, creating its folder', async () => {
    const r = await run(['migrate']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /up to date/);
  });

  it('adds, lists and updates a site, with its owners and moderators', async () => {
    const added = await run([
      'site',
      'add',
      'myblog',
      '--origin',
      'https://blog.example',
      '--origin',
      'https://www.blog.example',
      '--moderation',
      'first-time',
      '--rate-limit',
      '3',
      '--owner',
      'github:583231',
    ]);
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stdout, /Added site myblog/);
    assert.match(added.stdout, /owner: github:583231/);
    const updated = await run([
      'site',
      'update',
      'myblog',
      '--no-guests',
      '--rate-limit',
      'off',
      '--moderator',
      'keycloak:3f2a:b',
      '--remove-role',
      'github:583231',
      '--max-links',
      '1',
      '--blocklist',
      'Casino,free money',
      '--min-fill',
      'off',
      '--pow',
      '50000',
      '--thread-rate-limit',
      '20',
      '--new-thread-limit',
      '15',
      '--new-account-hours',
      '12',
      '--no-spam-check',
      '--alert-email',
      'owner@blog.example',
      '--alert-mode',
      'digest',
    ]);
    assert.equal(updated.status, 0, updated.stderr);
    const listed = await run(['site', 'list', '--json']);
    assert.deepEqual(JSON.parse(listed.stdout), [
      {
        id: 'myblog',
        name: 'myblog',
        origins: ['https://blog.example', 'https://www.blog.example'],
        moderation: 'first-time',
        allowGuests: false,
        rateLimit: 0,
        threadRateLimit: 20,
        newThreadLimit: 15,
        maxLinks: 1,
        blocklist: ['casino', 'free money'],
        newAccountHours: 12,
        minFillSeconds: 0,
        proofOfWork: 50000,
        spamCheck: false,
        alertEmails: ['owner@blog.example'],
        alertMode: 'digest',
        votes: true,
        downvotes: true,
        roles: [{ account: 'keycloak:3f2a:b', role: 'moderator' }],
      },
    ]);
    const bad = await run(['site', 'update', 'myblog', '--owner', 'alice@example.com']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /provider:id/);
  });

  it('lists who has signed in (none yet)', async () => {
    const r = await run(['user', 'list']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Nobody has signed in yet/);
  });

  it('takes settings from CONFAB_* environment twins, flags winning', async () => {
    const r = await run(['site', 'add', 'envblog'], {
      CONFAB_ORIGIN: 'https://env.example',
      CONFAB_MODERATION: 'all',
    });
    assert.equal(r.status, 0, r.stderr);
    const sites = JSON.parse((await run(['site', 'list', '--json'])).stdout) as {
      id: string;
      origins: string[];
      moderation: string;
    }[];
    const site = sites.find((s) => s.id === 'envblog');
    assert.deepEqual(site?.origins, ['https://env.example']);
    assert.equal(site.moderation, 'all');
  });

  it('explains bad input in one line and exits non-zero', async () => {
    const cases: [string[], RegExp][] = [
      [['site', 'add', 'x', '--origin', 'https://blog.example/path'], /not a bare origin/],
      [['site', 'add', 'y'], /at least one --origin/],
      [['site', 'add', 'Bad Id', '--origin', 'https://a.example'], /site id/],
      [
        ['site', 'add', 'z', '--origin', 'https://a.example', '--moderation', 'sometimes'],
        /--moderation is one of/,
      ],
      [['site', 'add', 'myblog', '--origin', 'https://a.example'], /exists/],
      [['site', 'update', 'ghost', '--name', 'G'], /no site "ghost"/],
      [['frobnicate'], /unknown command/],
      [['serve', '--port', 'eighty'], /--port/],
      // Known to serve (not "Unknown option"), and checked.
      [['serve', '--render-threads', 'many'], /--render-threads \(CONFAB_RENDER_THREADS\)/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      assert.notEqual(r.status, 0, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
    }
  });

  it('serves: migrates, prints its URL, answers /healthz, stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'server/cli/run.ts',
        'serve',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--db',
        join(dir, 'serve.sqlite'),
      ],
      { env },
    );
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /port (\d+)/.exec(out);
          if (match?.[1] !== undefined) resolve(Number(match[1]));
        });
        child.on('exit', () => {
          reject(new Error(`serve exited: ${out}`));
        });
      });
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.deepEqual(await res.json(), { status: 'ok' });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
