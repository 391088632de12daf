/**
 * `npm run bench:import`: generates a 100,000-comment WordPress export in a temporary
 * folder, imports it into a fresh SQLite file with the built `confab import` command (in a
 * process of its own), and prints the time, the process's peak RSS and comments per second.
 * Targets (issue 5): at most 60 s and 300 MB RSS. Set BENCH_COMMENTS to change the size.
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt, BIN } from './confab.js';

const COMMENTS = Number(process.env.BENCH_COMMENTS ?? 100_000);
const PER_POST = 100;

const words =
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(
    ' ',
  );

function body(n: number): string {
  const sentence = (k: number): string =>
    Array.from({ length: 12 }, (_, i) => words[(n * 7 + k * 3 + i) % words.length]).join(' ');
  const parts = [`${sentence(1)}, <strong>${sentence(2)}</strong>.`, `${sentence(3)} &amp; more.`];
  if (n % 5 === 0)
    parts.push(`<a href="https://example.com/${n}">a link</a> and <em>emphasis</em>`);
  if (n % 7 === 0) parts.push(`<blockquote>${sentence(4)}</blockquote>`);
  return parts.join('\n\n');
}

async function generate(path: string): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench blog</title><link>https://blog.example</link><wp:wxr_version>1.2</wp:wxr_version>
`);
  let id = 0;
  for (let post = 1; id < COMMENTS; post += 1) {
    const parts = [
      `<item><title>Post ${post}</title><link>https://blog.example/${2000 + (post % 20)}/post-${post}/</link>
<wp:post_id>${post}</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<content:encoded><![CDATA[<p>The post.</p>]]></content:encoded>
`,
    ];
    const first = id + 1;
    for (let i = 0; i < PER_POST && id < COMMENTS; i += 1) {
      id += 1;
      // Half are replies to an earlier comment of the same post.
      const parent = i > 0 && id % 2 === 0 ? first + ((id * 31) % (id - first)) : 0;
      const status = id % 50 === 0 ? 'spam' : id % 20 === 0 ? '0' : '1';
      const seconds = String(id % 60).padStart(2, '0');
      const minutes = String(Math.floor(id / 60) % 60).padStart(2, '0');
      const hours = String(Math.floor(id / 3600) % 24).padStart(2, '0');
      const day = String(1 + (Math.floor(id / 86400) % 28)).padStart(2, '0');
      parts.push(`<wp:comment><wp:comment_id>${id}</wp:comment_id>
<wp:comment_author><![CDATA[Reader ${id % 997}]]></wp:comment_author>
<wp:comment_author_email><![CDATA[reader${id % 997}@example.com]]></wp:comment_author_email>
<wp:comment_author_url><![CDATA[https://reader${id % 997}.example]]></wp:comment_author_url>
<wp:comment_author_IP><![CDATA[203.0.${id % 255}.${id % 199}]]></wp:comment_author_IP>
<wp:comment_date><![CDATA[2020-01-${day} ${hours}:${minutes}:${seconds}]]></wp:comment_date>
<wp:comment_date_gmt><![CDATA[2020-01-${day} ${hours}:${minutes}:${seconds}]]></wp:comment_date_gmt>
<wp:comment_content><![CDATA[${body(id)}]]></wp:comment_content>
<wp:comment_approved><![CDATA[${status}]]></wp:comment_approved>
<wp:comment_type><![CDATA[]]></wp:comment_type>
<wp:comment_parent>${parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>
</wp:comment>
`);
    }
    parts.push('</item>\n');
    await write(parts.join(''));
  }
  await write('</channel>\n</rss>\n');
  out.end();
  await once(out, 'finish');
}

/** The import is measured in a process of its own, so the generator's memory is not counted. */
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'confab-bench-import-'));
  try {
    const file = join(dir, 'export.xml');
    const made = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--generate', file],
      {
        stdio: 'inherit',
      },
    );
    if (made.status !== 0) throw new Error('generating the export failed');
    await measure(dir, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Peak resident memory of a running process so far (Linux: VmHWM), in bytes; 0 when gone. */
function peakRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Runs the built command exactly as an owner would (`confab import wordpress <file> --site
 * bench`, compiled JavaScript, no TypeScript loader in the way) and watches its memory.
 */
async function measure(dir: string, file: string): Promise<void> {
  const size = statSync(file).size;
  assertBuilt();
  const db = join(dir, 'db.sqlite');
  const confab = (args: string[]) =>
    spawn(process.execPath, [BIN, ...args, '--db', db], { stdio: ['ignore', 'pipe', 'inherit'] });
  const add = confab(['site', 'add', 'bench', '--origin', 'https://blog.example']);
  add.stdout.resume();
  await once(add, 'close');
  const started = performance.now();
  const child = confab(['import', 'wordpress', file, '--site', 'bench', '--json']);
  const pid = child.pid ?? 0;
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, peakRss(pid));
  }, 20);
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (code !== 0) throw new Error(`confab import exited with ${String(code)}`);
  const summary = JSON.parse(Buffer.concat(chunks).toString()) as {
    comments: Record<string, number>;
    threads: { created: number };
    orphans: number;
  };
  const imported = Object.values(summary.comments).reduce((a, b) => a + b, 0);
  console.log(
    `file: ${(size / 1024 / 1024).toFixed(1)} MB, ${String(COMMENTS)} comments in ${String(summary.threads.created)} threads`,
  );
  console.log(
    `imported: ${String(imported)} (${JSON.stringify(summary.comments)}), orphans ${String(summary.orphans)}`,
  );
  console.log(`time: ${seconds.toFixed(1)} s, the whole command (target <= 60 s)`);
  console.log(
    `peak RSS: ${(peak / 1024 / 1024).toFixed(0)} MB, the whole process (target <= 300 MB)`,
  );
  console.log(`rate: ${String(Math.round(imported / seconds))} comments/s`);
  if (imported !== COMMENTS) process.exitCode = 1;
}

const at = process.argv.indexOf('--generate');
const target = at === -1 ? undefined : process.argv[at + 1];
if (target === undefined) await main();
else await generate(target);
