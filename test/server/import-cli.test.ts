import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixture } from './import-support.js';
import { runCli, type Run } from './support/cli.js';

describe('confab import / export on the command line', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[]): Promise<Run> => runCli(args, env);
  const count = async (): Promise<number> => {
    const r = await run(['export', '--site', 'blog']);
    assert.equal(r.status, 0, r.stderr);
    return (JSON.parse(r.stdout) as { comments: unknown[] }).comments.length;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'confab-import-cli-'));
    env = { PATH: process.env.PATH, CONFAB_DB: join(dir, 'confab.sqlite') };
    const added = await run(['site', 'add', 'blog', '--origin', 'https://blog.example']);
    assert.equal(added.status, 0, added.stderr);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a WordPress export and prints a summary', async () => {
    const r = await run([
      'import',
      'wordpress',
      fixture('umputun-remark42-wordpress_test-xmlTestWP.xml'),
      '--site',
      'blog',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /threads: 1 new, 0 existing/);
    assert.match(r.stdout, /comments: 4 \(published: 3, pending: 1\)/);
    assert.match(r.stdout, /pingbacks and trackbacks kept: 1/);
    assert.match(r.stdout, /orphans \(parent missing, now top level\): 0/);
    assert.equal(r.stderr, '', 'no progress bar when stderr is not a terminal');
  });

  it('--dry-run says what would happen and writes nothing; --json for scripts', async () => {
    const r = await run([
      'import',
      'disqus',
      fixture('isso-comments-isso-disqus.xml'),
      '--site',
      'blog',
      '--dry-run',
      '--json',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { dryRun: boolean; comments: Record<string, number> };
    assert.equal(summary.dryRun, true);
    assert.deepEqual(summary.comments, { published: 4, deleted: 1 });
    assert.equal(await count(), 4);
  });

  it('--map-url takes OLD NEW pairs', async () => {
    const r = await run([
      'import',
      'isso',
      fixture('isso-comments-isso-generic.json'),
      '--site',
      'blog',
      '--map-url',
      '/posts/ /archive/',
      '--json',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const data = JSON.parse((await run(['export', '--site', 'blog'])).stdout) as {
      threads: { key: string }[];
    };
    assert.ok(data.threads.some((t) => t.key === '/archive/0001/'));
  });

  it('exports WXR to stdout', async () => {
    const r = await run(['export', '--site', 'blog', '--format', 'wxr']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^<\?xml version="1.0" encoding="UTF-8" \?>/);
    assert.equal(r.stdout.match(/<wp:comment>/g)?.length, 6);
  });

  it('explains bad input in one line, exits non-zero and writes nothing', async () => {
    const before = await count();
    const wrongFormat = join(dir, 'not-wxr.xml');
    writeFileSync(wrongFormat, '<?xml version="1.0"?>\n<html><body>hi</body></html>\n');
    const cases: [string[], number, RegExp][] = [
      [
        ['import', 'blogger', 'x.xml', '--site', 'blog'],
        2,
        /unknown format "blogger": import takes one of wordpress, disqus, isso, commento, remark42, confab/,
      ],
      [['import', 'wordpress', '--site', 'blog'], 2, /import takes one file/],
      [
        ['import', 'wordpress', fixture('isso-comments-isso-wordpress.xml')],
        2,
        /import needs --site/,
      ],
      [
        ['import', 'wordpress', join(dir, 'missing.xml'), '--site', 'blog'],
        1,
        /cannot read .*missing\.xml: no such file/,
      ],
      [
        ['import', 'wordpress', fixture('isso-comments-isso-wordpress.xml'), '--site', 'ghost'],
        1,
        /no site "ghost"/,
      ],
      [
        ['import', 'disqus', fixture('umputun-remark42-disqus.xml'), '--site', 'blog'],
        1,
        /line 147: not well-formed XML: unquoted attribute value\.\nNothing was imported/,
      ],
      [
        ['import', 'disqus', fixture('isso-comments-isso-wordpress.xml'), '--site', 'blog'],
        1,
        /starts with <rss>, not <disqus>: is it the right format\?/,
      ],
      [
        ['import', 'wordpress', wrongFormat, '--site', 'blog'],
        1,
        /line 2: the file starts with <html>, not <rss>/,
      ],
      [
        ['import', 'commento', fixture('isso-comments-isso-generic.json'), '--site', 'blog'],
        1,
        /a Commento export is a JSON object with "comments"/,
      ],
      [
        ['import', 'remark42', fixture('ArtalkJS-Artransfer-Twikoo.sample'), '--site', 'blog'],
        1,
        /line 1: the first line is remark42's metadata/,
      ],
      [
        ['import', 'confab', fixture('umputun-remark42-commento.json'), '--site', 'blog'],
        1,
        /not a Confab export/,
      ],
      [
        ['import', 'wordpress', fixture('ArtalkJS-Artalk-atk_comments.yml'), '--site', 'blog'],
        1,
        /no XML in it|not well-formed/,
      ],
      [
        ['import', 'wordpress', fixture('x.xml'), '--site', 'blog', '--map-url', 'only-one'],
        2,
        /--map-url takes 'OLD NEW'/,
      ],
      [['export', '--site', 'ghost'], 1, /no site "ghost"/],
      [['export', '--site', 'blog', '--format', 'csv'], 2, /--format is confab or wxr/],
    ];
    for (const [args, status, message] of cases) {
      const r = await run(args);
      assert.equal(r.status, status, `${args.join(' ')}\n${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
    assert.equal(await count(), before);
  });
});
