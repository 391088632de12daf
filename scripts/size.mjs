// `npm run size`: what a reader really downloads from the Confab server before a thread
// and its form are usable, measured in Chromium, against a budget of 16 KB brotli.
//
// It builds everything (`npm run build`), starts the built server as its own process on a
// temporary SQLite file with the demo (`confab serve --demo`), and opens the demo post in
// headless Chromium. Once the thread has painted its comments and "Leave a Reply" can be
// used (the comment field enabled, "Post Comment" there), it takes the list of what the
// page has fetched from the server at that moment: every script (the bundle and each
// chunk) and any strings file counts against the budget; the API's JSON answers are data,
// listed apart. Each file is weighed as the server sends it, brotli at quality 11.
//
// Then, for information: what loads afterwards with no action from the reader (the
// sign-in box), what a guest starting to write loads (the spam guard), and the chunks this
// page never needed (editing one's own comment, the moderator tools).
//
// Exits 1 when the budgeted total is over 16 KB, and prints the headroom left for what
// comes next (languages).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { brotliCompressSync, constants } from 'node:zlib';
import { chromium } from 'playwright-core';
import { chromiumArgs, findChromium } from './chromium.mjs';

const BUDGET = 16 * 1024;
const WIDGET_DIR = 'dist/widget';

const brotli = (bytes) =>
  brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/** A port nothing listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `confab serve --demo` on a fresh database; resolves once it answers. */
async function startServer(dir) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = ['bin/confab.js', 'serve', '--demo', '--db', join(dir, 'x.sqlite')];
  args.push('--port', String(port), '--host', '127.0.0.1', '--public-url', base);
  const server = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout.on('data', (chunk) => (output += chunk));
  server.stderr.on('data', (chunk) => (output += chunk));
  for (let tries = 0; tries < 100; tries++) {
    if (server.exitCode !== null) throw new Error(`the server exited:\n${output}`);
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { server, base };
    await sleep(100);
  }
  server.kill();
  throw new Error(`the server did not answer within 10 s:\n${output}`);
}

// `watchUntilUsable` and the functions handed to `page.evaluate` run in Chromium.
/* global document, window, requestAnimationFrame */

/**
 * In the page, installed before it loads: checks on every animation frame whether the
 * thread and its form are usable, and at the first frame where they are, keeps the URLs
 * of everything fetched so far (the page itself aside) in `window.confabUsable`. Checking
 * in each frame, from the start, means nothing can load between the moment and the list.
 */
function watchUntilUsable() {
  const usable = () => {
    const root = document.querySelector('confab-thread')?.shadowRoot;
    if (!root) return false;
    const comments = [...root.querySelectorAll('confab-comment')];
    const painted = comments.length > 0 && comments.every((c) => c.shadowRoot?.querySelector('p'));
    // The main form is the last composer (a reply's sits inside its comment).
    const form = [...root.querySelectorAll('confab-composer')].at(-1)?.shadowRoot;
    const heading = form?.querySelector('h3')?.textContent.trim();
    const textarea = form?.querySelector('textarea');
    const post = [...(form?.querySelectorAll('button') ?? [])].find(
      (b) => b.textContent.trim() === 'Post Comment',
    );
    return painted && heading === 'Leave a Reply' && !!textarea && !textarea.disabled && !!post;
  };
  const check = () => {
    if (usable()) window.confabUsable = performance.getEntriesByType('resource').map((e) => e.name);
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

/** Waits until the page has fetched nothing new for a second (at most 15 s); its URLs. */
async function quiet(page) {
  const list = () =>
    page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  let seen = await list();
  for (let waited = 0; waited < 15_000; waited += 1000) {
    await sleep(1000);
    const now = await list();
    if (now.length === seen.length) return now;
    seen = now;
  }
  return seen;
}

/** What kind of file a URL from the server is: a script, a strings file, or API data. */
function kind(url) {
  const { pathname } = new URL(url);
  if (pathname.endsWith('.js')) return 'script';
  if (/^\/(api|auth)\//.test(pathname)) return 'data';
  return 'strings';
}

const name = (url) => {
  const { pathname, search } = new URL(url);
  return pathname.slice(1) + search;
};

function table(title, rows) {
  console.log(`\n${title}`);
  if (rows.length === 0) {
    console.log('  (none)');
    return { raw: 0, brotli: 0 };
  }
  const width = Math.max(...rows.map((r) => r.file.length), 'total'.length);
  const line = (file, raw, br) =>
    console.log(`  ${file.padEnd(width)}  ${String(raw).padStart(7)}  ${String(br).padStart(7)}`);
  line('file', 'raw B', 'brotli B');
  for (const r of rows) line(r.file, r.raw, r.brotli);
  const total = {
    raw: rows.reduce((sum, r) => sum + r.raw, 0),
    brotli: rows.reduce((sum, r) => sum + r.brotli, 0),
  };
  line('total', total.raw, total.brotli);
  return total;
}

/**
 * Opens the demo post and follows what it fetches from `base`: the URLs fetched once the
 * thread was usable, once the page was quiet after that, and once a guest started
 * writing, with the decoded body of every response.
 */
async function follow(browser, base) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const bodies = new Map();
  page.on('response', (response) => {
    const url = response.url();
    // A live stream's body never ends (and is data, not counted): its body is not awaited.
    if (response.headers()['content-type']?.startsWith('text/event-stream')) return;
    if (url.startsWith(base) && !bodies.has(url)) {
      const body = response.body();
      // Awaited at the end, where a failure stops the run; until then, not unhandled.
      body.catch(() => undefined);
      bodies.set(url, body);
    }
  });
  const ours = (urls) => urls.filter((url) => url.startsWith(base));

  await page.addInitScript(watchUntilUsable);
  await page.goto(`${base}/`);
  const usable = await page
    .waitForFunction(() => window.confabUsable, undefined, { timeout: 30_000 })
    .catch((e) => {
      throw new Error(`the thread never became usable: ${e.message} ${errors.join('; ')}`);
    });
  const before = ours(await usable.jsonValue());
  const idle = ours(await quiet(page));
  // A guest starts writing (the focus is enough): the spam guard loads.
  await page.locator('confab-thread').getByRole('textbox', { name: 'Comment' }).last().focus();
  const writing = ours(await quiet(page));
  // Read while the page is open.
  const read = await Promise.all([...bodies].map(async ([url, body]) => [url, await body]));
  return { before, idle, writing, bodies: new Map(read), errors };
}

async function main() {
  // The build's own output goes to stderr, so that stdout is the report.
  execFileSync('npm', ['run', 'build'], { stdio: ['ignore', process.stderr, 'inherit'] });
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium found: set CHROME_PATH');

  const dir = mkdtempSync(join(tmpdir(), 'confab-size-'));
  let server;
  let browser;
  let seen;
  let base;
  try {
    ({ server, base } = await startServer(dir));
    browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs });
    seen = await follow(browser, base);
  } finally {
    await browser?.close();
    if (server) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill();
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
  report(base, seen);
}

/** Prints the tables; over budget, or with errors in the page, the exit code is 1. */
function report(base, { before, idle, writing, bodies, errors }) {
  const weigh = (urls, kinds) =>
    urls
      .filter((url) => kinds.includes(kind(url)))
      .map((url) => {
        const bytes = bodies.get(url);
        return { file: name(url), raw: bytes.length, brotli: brotli(bytes) };
      });
  const counted = ['script', 'strings'];
  console.log(`Confab widget size, measured in Chromium on ${base}/ (the demo post)`);
  const budgeted = table(
    'Fetched before the thread and its form were usable (the budget counts these):',
    weigh(before, counted),
  );
  table('API answers fetched by then (data, not counted):', weigh(before, ['data']));
  const afterwards = table(
    'Fetched afterwards, with no action from the reader:',
    weigh(
      idle.filter((url) => !before.includes(url)),
      counted,
    ),
  );
  table(
    'Fetched once a guest starts writing:',
    weigh(
      writing.filter((url) => !idle.includes(url)),
      counted,
    ),
  );
  const fetched = new Set(writing.map((url) => new URL(url).pathname.slice(1)));
  const unused = readdirSync(WIDGET_DIR)
    .filter((f) => /^confab-.+\.js$/.test(f) && !fetched.has(f))
    .map((f) => {
      const bytes = readFileSync(`${WIDGET_DIR}/${f}`);
      return { file: f, raw: bytes.length, brotli: brotli(bytes) };
    });
  table('Loaded only on demand, not by this page (own edits, moderator tools):', unused);

  const headroom = BUDGET - budgeted.brotli;
  console.log(
    `\nWith no action, a reader downloads ${budgeted.brotli + afterwards.brotli} B brotli in all.`,
  );
  console.log(
    `Before the thread is usable: ${budgeted.brotli} B brotli of a ${BUDGET} B budget; ` +
      `headroom ${headroom} B for what comes next (languages).`,
  );
  if (errors.length > 0) {
    console.error(`Errors in the page: ${errors.join('; ')}`);
    process.exitCode = 1;
  }
  if (headroom < 0) {
    console.error('Over budget.');
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
