/**
 * `/admin`'s mail and webhooks API over a real SQLite file and a real SMTP server on
 * 127.0.0.1: the demo's kept mail readable in full and sent once a mail server is set; a
 * failed row's reason; "Send again" for failed and given-up rows and never for a sent one;
 * the test mail arriving; webhooks added, listed and removed; paging; who may do what; and
 * every bad input refused with its code. Answers are checked against docs/openapi.yaml.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type {
  OutboxItem,
  OutboxMessageResponse,
  OutboxResponse,
  OutboxSendResponse,
  TestMailResponse,
  WebhookCreatedResponse,
  WebhooksResponse,
} from '../../server/contract.js';
import { flushNotifications } from '../../server/services/notify/runner.js';
import { addWebhook } from '../../server/services/notify/webhooks.js';
import { addSite } from '../../server/services/sites/sites.js';
import { guestComment, json, makeTestApp, type TestApp } from './helpers.js';
import { signedIn, type Account } from './support/accounts.js';
import { startInbox, type Inbox } from './support/smtp.js';

/** The server's own origin (its default public URL): where `/admin` runs. */
const ADMIN = 'http://localhost:8080';
const UNKNOWN_ID = 'c2b147cc-5bc1-4af5-a940-82659cf7a565';

interface Schema {
  properties?: Record<string, Schema>;
  required?: string[];
}
const spec = parse(readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8')) as {
  components: { schemas: Record<string, Schema> };
};

/** `value` has every member the documented schema requires, and no undocumented one. */
function assertShape(name: string, value: unknown): void {
  const schema = spec.components.schemas[name];
  assert.ok(schema, `docs/openapi.yaml has ${name}`);
  assert.ok(typeof value === 'object' && value !== null, `${name}: an object`);
  const keys = Object.keys(value);
  for (const key of keys) assert.ok(key in (schema.properties ?? {}), `${name} documents ${key}`);
  for (const key of schema.required ?? []) assert.ok(keys.includes(key), `${name}: ${key} sent`);
}

/** Requests as `/admin` makes them, with `who`'s session (or none). */
function client(t: TestApp, who: Account | null) {
  const auth = who?.auth ?? {};
  return {
    get: (path: string) =>
      t.request(`/api/v1/moderation/${path}`, { origin: ADMIN, headers: auth }),
    send: (method: string, path: string, body?: unknown) =>
      t.request(`/api/v1/moderation/${path}`, {
        method,
        origin: ADMIN,
        headers: { ...auth, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  };
}

/** The problem's status and code, and (for a validation failure) the fields named. */
async function refusal(response: Response): Promise<[number, string, string[]]> {
  assert.equal(
    response.headers.get('Content-Type'),
    'application/problem+json',
    await response.clone().text(),
  );
  const problem = await json<{ code: string; errors?: { field: string }[] }>(response);
  return [response.status, problem.code, (problem.errors ?? []).map((e) => e.field)];
}

async function outbox(t: TestApp, who: Account, query = ''): Promise<OutboxResponse> {
  const response = await client(t, who).get(`outbox?site=blog${query}`);
  assert.equal(response.status, 200, await response.clone().text());
  const body = await json<OutboxResponse>(response);
  assertShape('OutboxResponse', body);
  for (const item of body.items) assertShape('OutboxItem', item);
  return body;
}

async function testMail(t: TestApp, who: Account, to: string): Promise<TestMailResponse> {
  const response = await client(t, who).send('POST', 'test-mail', { site: 'blog', to });
  assert.equal(response.status, 200, await response.clone().text());
  const body = await json<TestMailResponse>(response);
  assertShape('TestMailResponse', body);
  return body;
}

async function sendAgain(t: TestApp, who: Account, id: string): Promise<Response> {
  return client(t, who).send('POST', `outbox/${id}/send`, { site: 'blog' });
}

/** A port on 127.0.0.1 that nothing listens on (a webhook receiver that is down). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    probe.close(() => {
      resolve();
    }),
  );
  return port;
}

describe('/admin outbox: the demo without a mail server, then with one', () => {
  let demo: TestApp;
  let mailing: TestApp | undefined;
  let inbox: Inbox;
  let owner: Account;
  before(async () => {
    inbox = await startInbox();
    demo = await makeTestApp();
    owner = await signedIn(demo, { name: 'Olive', role: 'owner', origin: ADMIN });
  });
  after(async () => {
    await mailing?.close();
    await demo.close();
    await inbox.stop();
  });

  it('shows the kept confirmation in full, and sends it once SMTP is configured', async () => {
    const posted = await demo.post(
      guestComment({ author: { name: 'Grace', email: 'grace@example.com' }, notify: true }),
    );
    assert.equal(posted.status, 201);
    assert.equal((await flushNotifications(demo.deps)).kept, 1);

    const list = await outbox(demo, owner);
    assert.equal(list.mailer, null);
    assert.equal(list.counts.kept, 1);
    assert.equal(list.counts.sent, 0);
    const [kept] = list.items;
    assert.ok(kept);
    assert.deepEqual({ ...kept, id: '' }, {
      id: '',
      channel: 'email',
      kind: 'confirm',
      recipient: 'grace@example.com',
      subject: 'Confirm: emails about “My post”',
      status: 'kept',
      attempts: 0,
      lastError:
        'No mail server is configured (CONFAB_SMTP_URL); the mail is kept here and not sent.',
      nextAttemptAt: null,
      createdAt: '2026-03-14T12:00:00.000Z',
      sentAt: null,
      canSendAgain: false,
    } satisfies OutboxItem);

    // A same-origin GET from /admin carries no Origin; Sec-Fetch-Site stands for it.
    const read = await demo.request(`/api/v1/moderation/outbox/${kept.id}?site=blog`, {
      origin: null,
      headers: { ...owner.auth, 'Sec-Fetch-Site': 'same-origin' },
    });
    assert.equal(read.status, 200);
    const message = await json<OutboxMessageResponse>(read);
    assertShape('OutboxMessageResponse', message);
    assert.equal(message.webhook, null);
    assert.ok(message.mail);
    assert.equal(message.mail.to, 'grace@example.com');
    assert.equal(message.mail.subject, 'Confirm: emails about “My post”');
    const confirmLink = /To confirm, open this link and press the button: (\S+)/.exec(
      message.mail.text,
    )?.[1];
    assert.match(confirmLink ?? '', /^http:\/\/localhost:8080\/notify\/confirm\?/);
    assert.match(message.mail.html, /^<!doctype html>.*>Confirm<\/a>/s);
    assert.equal(message.mail.headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');

    // Nothing can send it yet: said so, with a code.
    assert.deepEqual(await refusal(await sendAgain(demo, owner, kept.id)), [409, 'no_mailer', []]);

    // The operator sets CONFAB_SMTP_URL and starts the server again on the same database.
    mailing = await makeTestApp({
      reuse: { dir: demo.dir, clock: demo.deps.now().getTime() },
      env: { CONFAB_SMTP_URL: inbox.url },
    });
    const withMailer = await outbox(mailing, owner);
    assert.match(withMailer.mailer ?? '', /^smtp:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(withMailer.items[0]?.canSendAgain, true);

    const sent = await sendAgain(mailing, owner, kept.id);
    assert.equal(sent.status, 200);
    const { item } = await json<OutboxSendResponse>(sent);
    assert.equal(item.status, 'sent');
    assert.equal(item.attempts, 1);
    assert.equal(item.lastError, null);
    assert.equal(item.sentAt, '2026-03-14T12:00:00.000Z');
    assert.equal(item.canSendAgain, false);
    const mail = await inbox.waitFor('grace@example.com', 1);
    assert.equal(mail.subject, 'Confirm: emails about “My post”');
    assert.ok(mail.text?.includes(confirmLink ?? '?'), 'the mail that was shown is the one sent');

    // A sent row is never sent again.
    assert.deepEqual(await refusal(await sendAgain(mailing, owner, kept.id)), [
      409,
      'already_sent',
      [],
    ]);
    assert.equal(inbox.to('grace@example.com').length, 1);

    const audit = await json<{ entries: { action: string; detail: Record<string, unknown> }[] }>(
      await client(mailing, owner).get('audit?site=blog'),
    );
    assert.deepEqual(
      audit.entries.map((e) => [e.action, e.detail.outbox, e.detail.was]),
      [['outbox_send', kept.id, 'kept']],
    );
  });

  it('keeps a test mail without SMTP and says why', async () => {
    const result = await testMail(demo, owner, 'ops@example.com');
    assert.deepEqual(result, {
      to: 'ops@example.com',
      status: 'kept',
      via: null,
      error: 'No mail server is configured (CONFAB_SMTP_URL); the mail is kept here and not sent.',
    });
    const [row] = (await outbox(demo, owner, '&status=kept')).items;
    assert.equal(row?.kind, 'test');
    assert.equal(row.subject, 'Confab test email');
  });
});

describe('/admin outbox with a mail server', () => {
  let inbox: Inbox;
  let t: TestApp;
  let owner: Account;
  before(async () => {
    inbox = await startInbox();
    t = await makeTestApp({ env: { CONFAB_SMTP_URL: inbox.url } });
    owner = await signedIn(t, { name: 'Olive', role: 'owner', origin: ADMIN });
  });
  after(async () => {
    await t.close();
    await inbox.stop();
  });

  it('sends a test email that arrives, and says where it went', async () => {
    const result = await testMail(t, owner, 'Ops@Example.com');
    assert.equal(result.status, 'sent');
    assert.match(result.via ?? '', /^smtp:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(result.error, null);
    const mail = await inbox.waitFor('Ops@Example.com', 1);
    assert.equal(mail.subject, 'Confab test email');
    assert.match(mail.text ?? '', /localhost:8080/);
  });

  it('shows a failed row with its reason, and sends it again once the server is back', async () => {
    await inbox.stop();
    const down = await testMail(t, owner, 'late@example.com');
    assert.equal(down.status, 'failed');
    assert.match(down.error ?? '', /ECONNREFUSED 127\.0\.0\.1/);

    const { items, counts } = await outbox(t, owner, '&status=failed');
    assert.equal(counts.failed, 1);
    assert.equal(items.length, 1);
    const failed = items[0] as OutboxItem;
    assert.equal(failed.recipient, 'late@example.com');
    assert.equal(failed.attempts, 1);
    assert.match(failed.lastError ?? '', /^ESOCKET: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    assert.equal(failed.nextAttemptAt, '2026-03-14T12:01:00.000Z');
    assert.equal(failed.canSendAgain, true);

    // Asked again while still down: another attempt, another reason, still failed.
    const again = await json<OutboxSendResponse>(await sendAgain(t, owner, failed.id));
    assert.equal(again.item.status, 'failed');
    assert.equal(again.item.attempts, 2);

    await inbox.start();
    const sent = await json<OutboxSendResponse>(await sendAgain(t, owner, failed.id));
    assert.equal(sent.item.status, 'sent');
    assert.equal(sent.item.attempts, 3);
    assert.equal((await inbox.waitFor('late@example.com', 1)).subject, 'Confab test email');
    assert.equal((await flushNotifications(t.deps)).sent, 0, 'the sender does not send it too');
    assert.equal(inbox.to('late@example.com').length, 1);
  });

  it('sends a given-up row again', async () => {
    await inbox.stop();
    const result = await testMail(t, owner, 'patient@example.com');
    assert.equal(result.status, 'failed');
    for (let attempt = 2; attempt <= 8; attempt += 1) {
      t.advance(25 * 3_600_000);
      await flushNotifications(t.deps);
    }
    const [gaveUp] = (await outbox(t, owner, '&status=gave_up')).items;
    assert.ok(gaveUp);
    assert.equal(gaveUp.attempts, 8);
    assert.equal(gaveUp.nextAttemptAt, null);
    assert.equal(gaveUp.canSendAgain, true);
    await inbox.start();
    const sent = await json<OutboxSendResponse>(await sendAgain(t, owner, gaveUp.id));
    assert.equal(sent.item.status, 'sent');
    assert.equal((await inbox.waitFor('patient@example.com', 1)).subject, 'Confab test email');
  });

  it('pages newest first without repeating or skipping rows made in the same instant', async () => {
    const before = (await outbox(t, owner)).items.length;
    for (let i = 0; i < 5; i += 1) await testMail(t, owner, `page${String(i)}@example.com`);
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page = await outbox(t, owner, `&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages += 1;
    }
    assert.equal(seen.length, before + 5);
    assert.equal(new Set(seen).size, seen.length, 'no row twice');
    assert.equal(pages, Math.ceil((before + 5) / 2));
    const all = (await outbox(t, owner, '&limit=100')).items;
    assert.deepEqual(
      seen,
      all.map((i) => i.id),
    );
    const times = all.map((i) => i.createdAt);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    const onlySent = await outbox(t, owner, '&status=sent&limit=100');
    assert.ok(onlySent.items.length >= 5);
    assert.ok(onlySent.items.every((i) => i.status === 'sent'));
  });

  it('allows ten test emails an hour per site', async () => {
    t.advance(2 * 3_600_000);
    for (let i = 0; i < 10; i += 1) await testMail(t, owner, 'burst@example.com');
    const refused = await client(t, owner).send('POST', 'test-mail', {
      site: 'blog',
      to: 'burst@example.com',
    });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('Retry-After'), '3600');
    assert.deepEqual(await refusal(refused), [429, 'rate_limited', []]);
    t.advance(3_600_000);
    assert.equal((await testMail(t, owner, 'burst@example.com')).status, 'sent');
  });
});

describe('/admin webhooks', () => {
  let t: TestApp;
  let owner: Account;
  before(async () => {
    t = await makeTestApp();
    await addSite(t.deps, 'other', { origins: ['https://other.example'] });
    owner = await signedIn(t, { name: 'Olive', role: 'owner', origin: ADMIN });
  });
  after(() => t.close());

  it('adds a webhook with its secret shown once, lists it, and removes it', async () => {
    const added = await client(t, owner).send('POST', 'webhooks', {
      site: 'blog',
      url: 'https://hooks.slack.com/services/T000/B000/XXXX',
      format: 'slack',
    });
    assert.equal(added.status, 201);
    const created = await json<WebhookCreatedResponse>(added);
    assertShape('WebhookCreatedResponse', created);
    assertShape('WebhookItem', created.webhook);
    assert.equal(created.webhook.format, 'slack');
    assert.equal(created.webhook.url, 'https://hooks.slack.com/services/T000/B000/XXXX');
    assert.match(created.secret, /^[\w-]{32}$/);

    // A second apart, so the list (oldest first) and the audit log (newest first) have one order.
    t.advance(1000);
    const plain = await json<WebhookCreatedResponse>(
      await client(t, owner).send('POST', 'webhooks', {
        site: 'blog',
        url: 'https://example.com/hooks/confab',
      }),
    );
    assert.equal(plain.webhook.format, 'json');

    const listed = await client(t, owner).get('webhooks?site=blog');
    assert.equal(listed.status, 200);
    const text = await listed.clone().text();
    assert.ok(!text.includes(created.secret), 'the list never shows a secret');
    const { webhooks } = await json<WebhooksResponse>(listed);
    assertShape('WebhooksResponse', { webhooks });
    assert.deepEqual(
      webhooks.map((w) => [w.id, w.format]),
      [
        [created.webhook.id, 'slack'],
        [plain.webhook.id, 'json'],
      ],
    );

    t.advance(1000);
    const removed = await client(t, owner).send(
      'DELETE',
      `webhooks/${created.webhook.id}?site=blog`,
    );
    assert.equal(removed.status, 204);
    const after = await json<WebhooksResponse>(await client(t, owner).get('webhooks?site=blog'));
    assert.deepEqual(
      after.webhooks.map((w) => w.id),
      [plain.webhook.id],
    );
    assert.deepEqual(
      await refusal(
        await client(t, owner).send('DELETE', `webhooks/${created.webhook.id}?site=blog`),
      ),
      [404, 'not_found', []],
    );

    const audit = await client(t, owner).get('audit?site=blog');
    const auditText = await audit.clone().text();
    assert.ok(!auditText.includes('XXXX'), 'the audit log names no webhook URL');
    const entries = (
      await json<{ entries: { action: string; detail: Record<string, unknown> }[] }>(audit)
    ).entries;
    assert.deepEqual(
      entries.map((e) => [e.action, e.detail.webhook, e.detail.host]),
      [
        ['webhook_remove', created.webhook.id, 'hooks.slack.com'],
        ['webhook_add', plain.webhook.id, 'example.com'],
        ['webhook_add', created.webhook.id, 'hooks.slack.com'],
      ],
    );
  });

  it('refuses bad webhook URLs and formats, and hosts on this machine or a private network', async () => {
    const add = async (body: Record<string, unknown>) =>
      refusal(await client(t, owner).send('POST', 'webhooks', { site: 'blog', ...body }));
    assert.deepEqual(await add({ url: 'not a url' }), [422, 'validation_failed', ['url']]);
    assert.deepEqual(await add({ url: 'ftp://example.com/x' }), [
      422,
      'validation_failed',
      ['url'],
    ]);
    assert.deepEqual(await add({ url: `https://example.com/${'x'.repeat(2000)}` }), [
      422,
      'validation_failed',
      ['url'],
    ]);
    assert.deepEqual(await add({ url: 'https://example.com/h', format: 'xml' }), [
      422,
      'validation_failed',
      ['format'],
    ]);
    assert.deepEqual(
      await add({ url: 'https://api.telegram.org/bot1:abc/sendMessage', format: 'telegram' }),
      [422, 'validation_failed', ['url']],
    );
    assert.deepEqual(await add({}), [422, 'validation_failed', ['url']]);
    assert.deepEqual(await add({ url: 42 }), [422, 'validation_failed', ['url']]);
    for (const url of [
      'http://127.0.0.1:9000/hook',
      'http://2130706433/hook',
      'http://localhost:8080/hook',
      'http://api.localhost/hook',
      'http://[::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://10.1.2.3/hook',
      'http://172.20.0.1/hook',
      'http://192.168.1.10/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://0.0.0.0/hook',
      'http://[fd00::1]/hook',
      'http://intranet/hook',
    ]) {
      assert.deepEqual(await add({ url }), [422, 'validation_failed', ['url']], url);
    }
    const { webhooks } = await json<WebhooksResponse>(
      await client(t, owner).get('webhooks?site=blog'),
    );
    assert.ok(
      webhooks.every((w) => w.url.startsWith('https://example.com/') || w.url.includes('slack')),
    );
    assert.ok(!webhooks.some((w) => /127\.0\.0\.1|localhost|169\.254/.test(w.url)));
  });

  it('removes only webhooks of the site asked about', async () => {
    const theirs = await addWebhook(t.deps, { site: 'other', url: 'https://other.example/hook' });
    assert.deepEqual(
      await refusal(await client(t, owner).send('DELETE', `webhooks/${theirs.id}?site=blog`)),
      [404, 'not_found', []],
    );
    assert.deepEqual(
      await refusal(await client(t, owner).send('DELETE', `webhooks/${UNKNOWN_ID}?site=blog`)),
      [404, 'not_found', []],
    );
    const otherOwner = await signedIn(t, {
      name: 'Otto',
      role: 'owner',
      site: 'other',
      origin: ADMIN,
    });
    const still = await json<WebhooksResponse>(
      await client(t, otherOwner).get('webhooks?site=other'),
    );
    assert.deepEqual(
      still.webhooks.map((w) => w.id),
      [theirs.id],
    );
  });

  it('shows a failed webhook call with the reason, and cancels it once the webhook is gone', async () => {
    const hook = await addWebhook(t.deps, {
      site: 'blog',
      url: `http://127.0.0.1:${String(await closedPort())}/down`,
    });
    const posted = await t.post(guestComment({ body: 'Ring the bell.' }));
    assert.equal(posted.status, 201);
    await flushNotifications(t.deps);
    const failed = (await outbox(t, owner, '&status=failed')).items.find(
      (i) => i.recipient === `webhook:${hook.id}`,
    );
    assert.ok(failed, 'the failed call is listed');
    assert.equal(failed.channel, 'webhook');
    assert.equal(failed.kind, 'comment.created');
    assert.equal(failed.subject, null);
    assert.match(failed.lastError ?? '', /fetch failed/);

    const read = await json<OutboxMessageResponse>(
      await client(t, owner).get(`outbox/${failed.id}?site=blog`),
    );
    assertShape('OutboxMessageResponse', read);
    assert.equal(read.mail, null);
    assert.equal(read.webhook?.webhookId, hook.id);
    assert.equal(read.webhook.event, 'comment.created');
    assert.equal(
      (JSON.parse(read.webhook.body) as { comment: { text: string } }).comment.text,
      'Ring the bell.',
    );
    assert.ok(!JSON.stringify(read).includes('/down'), 'the webhook URL is not shown');

    await client(t, owner).send('DELETE', `webhooks/${hook.id}?site=blog`);
    const cancelled = await json<OutboxSendResponse>(await sendAgain(t, owner, failed.id));
    assert.equal(cancelled.item.status, 'cancelled');
    assert.equal(cancelled.item.lastError, 'The webhook was removed.');
    assert.equal(cancelled.item.canSendAgain, false);
    assert.deepEqual(await refusal(await sendAgain(t, owner, failed.id)), [
      409,
      'not_resendable',
      [],
    ]);
  });
});

describe('/admin mail and webhooks: who may do what', () => {
  let t: TestApp;
  let owner: Account;
  let moderator: Account;
  let reader: Account;
  let otherStaff: Account;
  let blogSession: Account;
  let row: string;
  let otherRow: string;
  let hook: string;
  before(async () => {
    t = await makeTestApp();
    await addSite(t.deps, 'other', { origins: ['https://other.example'] });
    owner = await signedIn(t, { name: 'Olive', role: 'owner', origin: ADMIN });
    moderator = await signedIn(t, { name: 'Mona', role: 'moderator', origin: ADMIN });
    reader = await signedIn(t, { name: 'Rita', origin: ADMIN });
    otherStaff = await signedIn(t, { name: 'Otto', role: 'owner', site: 'other', origin: ADMIN });
    // The owner signed in on the blog's page itself: that session is for the blog only.
    blogSession = await signedIn(t, { name: 'Bea', role: 'owner' });
    await testMail(t, owner, 'ops@example.com');
    row = (await outbox(t, owner)).items[0]?.id ?? '';
    const theirs = await client(t, otherStaff).send('POST', 'test-mail', {
      site: 'other',
      to: 'ops@other.example',
    });
    assert.equal(theirs.status, 200);
    const listed = await json<OutboxResponse>(await client(t, otherStaff).get('outbox?site=other'));
    otherRow = listed.items[0]?.id ?? '';
    hook = (await addWebhook(t.deps, { site: 'blog', url: 'https://example.com/h' })).id;
  });
  after(() => t.close());

  const calls = (): [string, string, unknown][] => [
    ['GET', 'outbox?site=blog', undefined],
    ['GET', `outbox/${row}?site=blog`, undefined],
    ['POST', `outbox/${row}/send`, { site: 'blog' }],
    ['POST', 'test-mail', { site: 'blog', to: 'ops@example.com' }],
    ['GET', 'webhooks?site=blog', undefined],
    ['POST', 'webhooks', { site: 'blog', url: 'https://example.com/new' }],
    ['DELETE', `webhooks/${hook}?site=blog`, undefined],
  ];

  const ask = (who: Account | null, [method, path, body]: [string, string, unknown]) =>
    method === 'GET' ? client(t, who).get(path) : client(t, who).send(method, path, body);

  it('needs a session (401), and a role on the site (403)', async () => {
    for (const call of calls()) {
      assert.deepEqual(
        (await refusal(await ask(null, call))).slice(0, 2),
        [401, 'not_signed_in'],
        `${call[0]} ${call[1]} without a session`,
      );
      for (const [label, who] of [
        ['a reader', reader],
        ['staff of another site', otherStaff],
      ] as const) {
        assert.deepEqual(
          (await refusal(await ask(who, call))).slice(0, 2),
          [403, 'forbidden'],
          `${call[0]} ${call[1]} by ${label}`,
        );
      }
    }
  });

  it('does not take a session from the blog’s page at /admin’s origin, nor /admin’s elsewhere', async () => {
    assert.deepEqual(
      (await refusal(await client(t, blogSession).get('outbox?site=blog'))).slice(0, 2),
      [401, 'not_signed_in'],
    );
    const elsewhere = await t.request('/api/v1/moderation/outbox?site=blog', {
      origin: 'https://evil.example',
      headers: owner.auth,
    });
    assert.deepEqual((await refusal(elsewhere)).slice(0, 2), [401, 'not_signed_in']);
  });

  it('lets a moderator read the outbox, and only owners send and manage webhooks', async () => {
    const [list, read, ...owners] = calls();
    assert.equal((await ask(moderator, list as never)).status, 200);
    assert.equal((await ask(moderator, read as never)).status, 200);
    for (const call of owners) {
      const [status, code] = await refusal(await ask(moderator, call));
      assert.deepEqual([status, code], [403, 'forbidden'], `${call[0]} ${call[1]} by a moderator`);
    }
  });

  it('finds no row of another site, nor an unknown one', async () => {
    for (const id of [otherRow, UNKNOWN_ID, 'not-an-id']) {
      assert.deepEqual(await refusal(await client(t, owner).get(`outbox/${id}?site=blog`)), [
        404,
        'not_found',
        [],
      ]);
      assert.deepEqual(await refusal(await sendAgain(t, owner, id)), [404, 'not_found', []]);
    }
    const theirs = await json<OutboxResponse>(await client(t, owner).get('outbox?site=blog'));
    assert.ok(!theirs.items.some((i) => i.id === otherRow), 'another site’s rows are not listed');
  });

  it('refuses bad queries and bodies with their codes', async () => {
    const get = async (path: string) => refusal(await client(t, owner).get(path));
    assert.deepEqual(await get('outbox'), [422, 'validation_failed', ['site']]);
    assert.deepEqual(await get('outbox?site=nope'), [404, 'site_not_found', []]);
    assert.deepEqual(await get('outbox?site=blog&status=lost'), [
      422,
      'validation_failed',
      ['status'],
    ]);
    assert.deepEqual(await get('outbox?site=blog&limit=0'), [422, 'validation_failed', ['limit']]);
    assert.deepEqual(await get('outbox?site=blog&limit=101'), [
      422,
      'validation_failed',
      ['limit'],
    ]);
    assert.deepEqual(await get('outbox?site=blog&cursor=bogus'), [
      422,
      'validation_failed',
      ['cursor'],
    ]);
    assert.deepEqual(await get(`outbox/${row}`), [422, 'validation_failed', ['site']]);
    assert.deepEqual(await get('webhooks'), [422, 'validation_failed', ['site']]);
    assert.equal((await client(t, owner).get('outbox?site=blog&status=all')).status, 200);

    const send = async (method: string, path: string, body: unknown) =>
      refusal(await client(t, owner).send(method, path, body));
    for (const to of [
      'not an address',
      'a@b.c\r\nBcc: x@y.z',
      '"a:b"@example.com',
      'a@b.c, d@e.f',
      '',
    ]) {
      assert.deepEqual(
        await send('POST', 'test-mail', { site: 'blog', to }),
        [422, 'validation_failed', ['to']],
        JSON.stringify(to),
      );
    }
    assert.deepEqual(await send('POST', 'test-mail', { site: 'blog' }), [
      422,
      'validation_failed',
      ['to'],
    ]);
    assert.deepEqual(await send('POST', 'test-mail', { site: 'nope', to: 'a@example.com' }), [
      404,
      'site_not_found',
      [],
    ]);
    assert.deepEqual(await send('POST', `outbox/${row}/send`, {}), [
      422,
      'validation_failed',
      ['site'],
    ]);
    assert.deepEqual(await send('DELETE', `webhooks/${hook}`, undefined), [
      422,
      'validation_failed',
      ['site'],
    ]);

    const textPlain = await t.request('/api/v1/moderation/test-mail', {
      method: 'POST',
      origin: ADMIN,
      headers: { ...owner.auth, 'Content-Type': 'text/plain' },
      body: JSON.stringify({ site: 'blog', to: 'a@example.com' }),
    });
    assert.deepEqual((await refusal(textPlain)).slice(0, 2), [415, 'unsupported_media_type']);
    const broken = await t.request('/api/v1/moderation/webhooks', {
      method: 'POST',
      origin: ADMIN,
      headers: { ...owner.auth, 'Content-Type': 'application/json' },
      body: '{"site": "blog",',
    });
    assert.deepEqual((await refusal(broken)).slice(0, 2), [400, 'malformed_json']);
    const other = await t.request(`/api/v1/moderation/outbox/${row}/send`, {
      method: 'GET',
      origin: ADMIN,
      headers: owner.auth,
    });
    assert.equal(other.status, 405);
    assert.equal(other.headers.get('Allow'), 'POST');
  });
});
