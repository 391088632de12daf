/**
 * Webhooks: a receiver on 127.0.0.1 gets a signed event for a new comment and verifies the
 * signature; a failing receiver gets the call again later, once; the Slack, Discord and
 * Telegram bodies; bad webhooks are refused.
 */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { CreateCommentResponse } from '../../server/contract.js';
import { flushNotifications } from '../../server/services/notify/runner.js';
import { addWebhook } from '../../server/services/notify/webhooks.js';
import { listOutbox } from '../../server/store/outbox.js';
import { guestComment, json, makeTestApp, type TestApp } from './helpers.js';
import { runCli } from './support/cli.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: keeps what it gets, answers `status()`. */
async function receiver(status: () => number) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(status()).end(status() === 200 ? 'ok' : 'receiver is down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** What a receiver does with `Confab-Signature: t=…,v1=…`. */
function verify(secret: string, header: string | undefined, body: string, now: number): boolean {
  const parts = new Map((header ?? '').split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.get('t'));
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret)
    .update(`${String(t)}.${body}`)
    .digest('hex');
  const given = parts.get('v1') ?? '';
  return (
    given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  );
}

describe('webhooks', () => {
  let t: TestApp;
  let up = true;
  let hook: Awaited<ReturnType<typeof receiver>>;
  before(async () => {
    t = await makeTestApp();
    hook = await receiver(() => (up ? 200 : 500));
  });
  after(async () => {
    await t.close();
    await hook.close();
  });

  it('posts a signed JSON event for a new comment that the receiver can verify', async () => {
    const { secret } = await addWebhook(t.deps, { site: 'blog', url: `${hook.url}/confab` });
    const posted = await json<CreateCommentResponse>(
      await t.post(
        guestComment({
          body: 'Hooked on comments.',
          author: { name: 'Ada', email: 'ada@example.com' },
        }),
      ),
    );
    await flushNotifications(t.deps);
    assert.equal(hook.received.length, 1);
    const call = hook.received[0] as Received;
    assert.equal(call.path, '/confab');
    assert.equal(call.headers['content-type'], 'application/json');
    assert.equal(call.headers['confab-event'], 'comment.created');
    assert.ok(
      verify(secret, call.headers['confab-signature'] as string, call.body, t.deps.now().getTime()),
    );
    assert.ok(
      !verify(
        'another secret',
        call.headers['confab-signature'] as string,
        call.body,
        t.deps.now().getTime(),
      ),
    );
    assert.ok(
      !verify(
        secret,
        call.headers['confab-signature'] as string,
        `${call.body} `,
        t.deps.now().getTime(),
      ),
    );
    const event = JSON.parse(call.body) as Record<string, unknown> & {
      comment: Record<string, unknown>;
    };
    assert.equal(event.type, 'comment.created');
    assert.equal(event.site, 'blog');
    assert.equal(event.comment.id, posted.comment.id);
    assert.equal(event.comment.text, 'Hooked on comments.');
    assert.equal(
      event.comment.url,
      `https://blog.example/2014/03/my-post/#comment-${posted.comment.id}`,
    );
    assert.deepEqual(event.comment.author, { name: 'Ada' });
    assert.doesNotMatch(call.body, /ada@example\.com|ipHash|editToken/);
  });

  it('keeps a failed call with the receiver’s answer, and delivers it once when the receiver is back', async () => {
    up = false;
    const before = hook.received.length;
    await t.post(guestComment({ body: 'While the receiver is down.' }));
    const first = await flushNotifications(t.deps);
    assert.equal(first.failed, 1);
    const [failed] = await listOutbox(t.deps.db, { status: 'failed' }, 5);
    assert.ok(failed);
    assert.equal(failed.channel, 'webhook');
    assert.equal(failed.last_error, 'HTTP 500: receiver is down');
    up = true;
    await flushNotifications(t.deps);
    assert.equal(hook.received.length, before + 1, 'not again before its time');
    t.advance(61_000);
    await flushNotifications(t.deps);
    t.advance(3_600_000);
    await flushNotifications(t.deps);
    assert.equal(hook.received.length, before + 2, 'the retry, once');
    assert.match(hook.received.at(-1)?.body ?? '', /While the receiver is down\./);
  });

  it('speaks Slack, Discord and Telegram', async () => {
    await t.close();
    t = await makeTestApp();
    await addWebhook(t.deps, { site: 'blog', url: `${hook.url}/slack`, format: 'slack' });
    await addWebhook(t.deps, { site: 'blog', url: `${hook.url}/discord`, format: 'discord' });
    await addWebhook(t.deps, {
      site: 'blog',
      url: `${hook.url}/bot123:abc/sendMessage?chat_id=-100200`,
      format: 'telegram',
    });
    const before = hook.received.length;
    await t.post(guestComment({ body: 'Three chats, @everyone.', author: { name: 'Sam' } }));
    await flushNotifications(t.deps);
    const calls = hook.received.slice(before);
    const by = (prefix: string) =>
      JSON.parse(calls.find((c) => c.path.startsWith(prefix))?.body ?? '{}') as Record<
        string,
        unknown
      >;
    assert.match(
      String(by('/slack').text),
      /^New comment by Sam on “My post”: <https:\/\/blog\.example\/2014\/03\/my-post\/#comment-[\w-]+\|read it>\n>Three chats, @everyone\.$/,
    );
    assert.match(
      String(by('/discord').content),
      /^New comment by Sam on “My post”: https:\/\/blog\.example\/2014\/03\/my-post\/#comment-[\w-]+\n>>> Three chats, @everyone\.$/,
    );
    assert.deepEqual(by('/discord').allowed_mentions, { parse: [] });
    const telegram = by('/bot123');
    assert.equal(telegram.chat_id, '-100200');
    assert.match(String(telegram.text), /Three chats/);
  });

  it('refuses a webhook that cannot work, from the CLI', async () => {
    const env = { CONFAB_DB: t.deps.config.db };
    const bad = await runCli(
      ['webhook', 'add', '--site', 'blog', '--url', 'ftp://x.example/'],
      env,
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /A webhook URL is http:\/\/ or https:\/\//);
    const telegram = await runCli(
      [
        'webhook',
        'add',
        '--site',
        'blog',
        '--url',
        'https://api.telegram.org/botX/sendMessage',
        '--format',
        'telegram',
      ],
      env,
    );
    assert.equal(telegram.status, 2);
    assert.match(telegram.stderr, /chat_id/);
    const added = await runCli(
      ['webhook', 'add', '--site', 'blog', '--url', 'https://hooks.example/c'],
      env,
    );
    assert.equal(added.status, 0, added.stderr);
    assert.match(
      added.stdout,
      /^Added webhook [\w-]+ \(json\) to https:\/\/hooks\.example\/c\nSecret \(shown once; verify Confab-Signature with it\): [\w-]{32}\n$/,
    );
    const id = /Added webhook ([\w-]+)/.exec(added.stdout)?.[1] ?? '';
    const listed = await runCli(['webhook', 'list', '--site', 'blog'], env);
    assert.match(listed.stdout, new RegExp(`${id} json\\s+https://hooks\\.example/c`));
    const removed = await runCli(['webhook', 'remove', id], env);
    assert.equal(removed.status, 0);
    assert.doesNotMatch(
      (await runCli(['webhook', 'list', '--site', 'blog'], env)).stdout,
      new RegExp(id),
    );
  });
});
