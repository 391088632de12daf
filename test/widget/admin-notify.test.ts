import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type {
  OutboxItem,
  OutboxMessageResponse,
  OutboxStatus,
  Session,
  WebhookItem,
} from '../../server/contract.js';
import { ModerationApi } from '../../admin/api.js';
import type { ConfabAdminWebhooks } from '../../admin/elements/confab-admin-webhooks.js';
import type { ConfabAdmin } from '../../admin/elements/confab-admin.js';
import '../../admin/main.js';
import { ApiClient } from '../../widget/api/client.js';
import {
  type Handler,
  allByRole,
  deepAll,
  deepText,
  fakeFetch,
  getByRole,
  json,
  problem,
  routes,
  type,
} from './helpers.js';

const SERVER = 'https://comments.example/';

function api(handler: Handler) {
  const fetch = fakeFetch(handler);
  return { fetch, api: new ModerationApi(new ApiClient(SERVER, fetch), 'tok-mod') };
}

const shows = (el: Element, text: string) =>
  waitUntil(() => deepText(el).includes(text), `"${text}" never showed: ${deepText(el)}`);

const item = (over: Partial<OutboxItem> & { id: string }): OutboxItem => ({
  channel: 'email',
  kind: 'reply',
  recipient: 'ada@example.com',
  subject: 'A reply to your comment',
  status: 'sent',
  attempts: 1,
  lastError: null,
  nextAttemptAt: null,
  createdAt: '2026-03-14T11:00:00.000Z',
  sentAt: '2026-03-14T11:00:05.000Z',
  canSendAgain: false,
  ...over,
});

const counts = (over: Partial<Record<OutboxStatus, number>> = {}) => ({
  queued: 0,
  sending: 0,
  sent: 0,
  failed: 0,
  gave_up: 0,
  kept: 0,
  cancelled: 0,
  ...over,
});

const REASON =
  '550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table';

const SENT = item({ id: 'o1' });
const GAVE_UP = item({
  id: 'o2',
  recipient: 'bob@example.org',
  kind: 'owner_new',
  subject: 'New comment on “Hello”',
  status: 'gave_up',
  attempts: 8,
  lastError: REASON,
  sentAt: null,
  canSendAgain: true,
});
const HOOK_CALL = item({
  id: 'o3',
  channel: 'webhook',
  kind: 'comment.created',
  recipient: 'webhook:wh1',
  subject: null,
  status: 'failed',
  attempts: 2,
  lastError: 'HTTP 502 from the receiver',
  nextAttemptAt: '2026-03-14T12:00:00.000Z',
  sentAt: null,
  canSendAgain: true,
});

/** The HTML part of the mail: every element in it is marked, to find any that leaked out. */
const MAIL_HTML =
  '<p class="from-mail">Hello <b class="from-mail">Bob</b></p>' +
  '<img class="from-mail" src="x" onerror="window.__confabPwned = 1">' +
  '<script>window.__confabPwned = 2</script>';

const MESSAGE: OutboxMessageResponse = {
  item: GAVE_UP,
  mail: {
    to: 'bob@example.org',
    subject: 'New comment on “Hello”',
    text: 'Ada wrote on “Hello”:\n\n> Lovely garden.\n\nModerate: https://comments.example/admin',
    html: MAIL_HTML,
    headers: { From: 'Confab <confab@comments.example>', 'List-Unsubscribe': '<https://u>' },
    messageId: '<o2@comments.example>',
  },
  webhook: null,
};

function outboxServer(over: Record<string, Handler> = {}) {
  return api(
    routes({
      'GET moderation/outbox': (call) => {
        const status = call.url.searchParams.get('status');
        const all = [SENT, GAVE_UP, HOOK_CALL];
        return json({
          items: status ? all.filter((i) => i.status === status) : all,
          counts: counts({ sent: 1, gave_up: 1, failed: 1 }),
          mailer: 'smtp://mail.example.com:587',
          nextCursor: null,
        });
      },
      'GET moderation/outbox/o2': () => json(MESSAGE),
      'GET moderation/outbox/o3': () =>
        json({
          item: HOOK_CALL,
          mail: null,
          webhook: {
            webhookId: 'wh1',
            event: 'comment.created',
            body: '{"event":"comment.created"}',
          },
        }),
      ...over,
    }),
  );
}

const outbox = (mod: ModerationApi, owner = true) =>
  fixture(
    html`<confab-admin-outbox .api=${mod} site="garden" ?owner=${owner}></confab-admin-outbox>`,
  );

describe('<confab-admin-outbox>', () => {
  it('lists the rows with their reasons in full and filters by status', async () => {
    const { fetch, api: mod } = outboxServer();
    const el = await outbox(mod);
    await shows(el, REASON);
    const root = el.shadowRoot!;
    expect(deepText(el)).to.include('Mail goes through smtp://mail.example.com:587.');
    expect(deepText(el)).to.include('HTTP 502 from the receiver');
    expect(deepText(el)).to.include('Webhook: comment.created');
    expect(root.querySelectorAll('th[scope=col]')).to.have.length(9);
    const filter = getByRole(root, 'combobox', 'Show');
    expect([...filter.options].map((o) => o.textContent.trim())).to.include('Given up (1)');
    filter.value = 'gave_up';
    filter.dispatchEvent(new Event('change'));
    await waitUntil(() => !deepText(el).includes('HTTP 502'));
    expect(deepText(el)).to.include(REASON);
    const last = fetch.calls.at(-1)!;
    expect(last.url.searchParams.get('status')).to.equal('gave_up');
    expect(last.url.searchParams.get('site')).to.equal('garden');
    expect(last.headers.get('authorization')).to.equal('Bearer tok-mod');
    await expect(el).to.be.accessible();
  });

  it('says when there is no mail server, and loads more with the cursor', async () => {
    const { fetch, api: mod } = api(
      routes({
        'GET moderation/outbox': (call) =>
          call.url.searchParams.get('cursor') === 'p2'
            ? json({ items: [GAVE_UP], counts: counts(), mailer: null, nextCursor: null })
            : json({ items: [SENT], counts: counts(), mailer: null, nextCursor: 'p2' }),
      }),
    );
    const el = await outbox(mod);
    await shows(el, 'No mail server: mail is kept here, not sent (set CONFAB_SMTP_URL).');
    getByRole(el.shadowRoot!, 'button', 'Load more').click();
    await shows(el, REASON);
    expect(deepText(el)).to.include('ada@example.com');
    expect(fetch.calls.at(-1)!.url.searchParams.get('cursor')).to.equal('p2');
    expect(allByRole(el.shadowRoot!, 'button', 'Load more')).to.have.length(0);
  });

  it('opens a mail: headers, the text in a <pre>, and the HTML part inert', async () => {
    const { api: mod } = outboxServer();
    const el = await outbox(mod);
    await shows(el, REASON);
    const root = el.shadowRoot!;
    const open = getByRole(root, 'button', 'Open New comment (owner) to bob@example.org');
    open.click();
    await shows(el, 'Plain text');
    expect(open.getAttribute('aria-expanded')).to.equal('true');
    expect(root.querySelector('pre.mail-text')?.textContent).to.equal(MESSAGE.mail!.text);
    expect(deepText(el)).to.include('List-Unsubscribe');
    expect(deepText(el)).to.include('<o2@comments.example>');
    // The HTML part is text in a <pre>, or a sandboxed frame's document without scripts.
    expect(root.querySelector('pre.mail-html')?.textContent).to.equal(MAIL_HTML);
    const frame = root.querySelector('iframe')!;
    expect(frame.getAttribute('sandbox')).to.equal('');
    expect(frame.getAttribute('srcdoc')).to.equal(MAIL_HTML);
    const leaked = deepAll(document).filter(
      (e) => e.classList.contains('from-mail') || (e.localName === 'script' && e.closest('td')),
    );
    expect(leaked).to.have.length(0);
    expect(root.querySelectorAll('img, script')).to.have.length(0);
    await new Promise((r) => setTimeout(r, 100));
    expect((window as { __confabPwned?: number }).__confabPwned).to.equal(undefined);
    await expect(el).to.be.accessible();
    getByRole(root, 'button', 'Close New comment (owner) to bob@example.org').click();
    await waitUntil(() => !root.querySelector('iframe'));
  });

  it('opens a webhook call: its event and body', async () => {
    const { api: mod } = outboxServer();
    const el = await outbox(mod);
    await shows(el, 'HTTP 502');
    getByRole(el.shadowRoot!, 'button', 'Open Webhook: comment.created to webhook:wh1').click();
    await shows(el, 'Webhook call: comment.created');
    expect(el.shadowRoot!.querySelector('pre.webhook-body')?.textContent).to.equal(
      '{"event":"comment.created"}',
    );
  });

  it('sends a row again and shows the row as it is afterwards', async () => {
    const { fetch, api: mod } = outboxServer({
      'POST moderation/outbox/o2/send': () =>
        json({
          item: { ...GAVE_UP, status: 'sent', attempts: 9, lastError: null, canSendAgain: false },
        }),
    });
    const el = await outbox(mod);
    await shows(el, REASON);
    const root = el.shadowRoot!;
    getByRole(root, 'button', 'Send again: New comment (owner) to bob@example.org').click();
    await shows(el, 'Tried again: Sent.');
    const post = fetch.calls.find((c) => c.method === 'POST')!;
    expect(post.json).to.deep.equal({ site: 'garden' });
    expect(deepText(el)).not.to.include(REASON);
    expect(allByRole(root, 'button', /^Send again: New comment/)).to.have.length(0);
    const filter = getByRole(root, 'combobox', 'Show');
    expect([...filter.options].map((o) => o.textContent.trim())).to.include('Sent (2)');
  });

  it('shows a refusal’s detail', async () => {
    const { api: mod } = outboxServer({
      'POST moderation/outbox/o3/send': () =>
        problem(409, 'no_mailer', {
          detail: 'Set CONFAB_SMTP_URL and restart the server; then it can be sent.',
        }),
    });
    const el = await outbox(mod);
    await shows(el, 'HTTP 502');
    getByRole(
      el.shadowRoot!,
      'button',
      'Send again: Webhook: comment.created to webhook:wh1',
    ).click();
    await shows(el, 'Set CONFAB_SMTP_URL and restart the server; then it can be sent.');
    const alerts = [...el.shadowRoot!.querySelectorAll('[role=alert]')].map((a) => a.textContent);
    expect(alerts).to.include('Set CONFAB_SMTP_URL and restart the server; then it can be sent.');
  });

  it('sends a test email and says what became of it, or when to try again', async () => {
    let n = 0;
    const { fetch, api: mod } = outboxServer({
      'POST moderation/test-mail': (call) =>
        ++n === 1
          ? json({
              to: (call.json as { to: string }).to,
              status: 'sent',
              via: 'smtp://mail.example.com:587',
              error: null,
            })
          : problem(
              429,
              'rate_limited',
              { detail: 'At most 10 test emails an hour; try again in 120 s.', retryAfter: 120 },
              { 'retry-after': '120' },
            ),
    });
    const el = await outbox(mod);
    await shows(el, REASON);
    const root = el.shadowRoot!;
    type(getByRole(root, 'textbox', 'Address'), 'ops@example.com');
    getByRole(root, 'button', 'Send a test email').click();
    await shows(el, 'Sent a test email to ops@example.com via smtp://mail.example.com:587.');
    const post = fetch.calls.find((c) => c.method === 'POST')!;
    expect(post.json).to.deep.equal({ site: 'garden', to: 'ops@example.com' });
    getByRole(root, 'button', 'Send a test email').click();
    await shows(el, 'At most 10 test emails an hour. Try again after');
    expect(deepText(el)).to.include('(in 120 s)');
  });

  it('says a failed or kept test email as such', async () => {
    let answer: { status: string; via: string | null; error: string | null } = {
      status: 'failed',
      via: 'smtp://mail.example.com:587',
      error: 'ECONNREFUSED',
    };
    const { api: mod } = outboxServer({
      'POST moderation/test-mail': () => json({ to: 'ops@example.com', ...answer }),
    });
    const el = await outbox(mod);
    await shows(el, REASON);
    const root = el.shadowRoot!;
    type(getByRole(root, 'textbox', 'Address'), 'ops@example.com');
    getByRole(root, 'button', 'Send a test email').click();
    await shows(el, 'The test email to ops@example.com failed: ECONNREFUSED.');
    answer = { status: 'kept', via: null, error: null };
    getByRole(root, 'button', 'Send a test email').click();
    await shows(el, 'The test email to ops@example.com is in the outbox.');
  });

  it('gives a moderator no owner buttons', async () => {
    const { api: mod } = outboxServer();
    const el = await outbox(mod, false);
    await shows(el, REASON);
    const root = el.shadowRoot!;
    expect(allByRole(root, 'button', /^Send again/)).to.have.length(0);
    expect(allByRole(root, 'button', 'Send a test email')).to.have.length(0);
    expect(allByRole(root, 'textbox')).to.have.length(0);
    expect(allByRole(root, 'button', /^Open /)).to.have.length(3);
  });
});

describe('<confab-admin-webhooks>', () => {
  const HOOK: WebhookItem = {
    id: 'wh1',
    url: 'https://hooks.slack.com/services/T0/B0/x',
    format: 'slack',
    createdAt: '2026-03-14T11:00:00.000Z',
  };

  it('adds a webhook and shows its secret once', async () => {
    let hooks: WebhookItem[] = [HOOK];
    const { fetch, api: mod } = api(
      routes({
        'GET moderation/webhooks': () => json({ webhooks: hooks }),
        'POST moderation/webhooks': (call) => {
          const { url, format } = call.json as { url: string; format: WebhookItem['format'] };
          const webhook = { id: 'wh2', url, format, createdAt: '2026-03-15T09:00:00.000Z' };
          hooks = [...hooks, webhook];
          return json({ webhook, secret: 'whsec_0123456789abcdef' }, 201);
        },
      }),
    );
    const el = await fixture<ConfabAdminWebhooks>(
      html`<confab-admin-webhooks .api=${mod} site="garden" owner></confab-admin-webhooks>`,
    );
    await shows(el, 'https://hooks.slack.com/services/T0/B0/x');
    const root = el.shadowRoot!;
    expect(deepText(el)).to.include('Slack');
    type(getByRole(root, 'textbox', 'URL'), 'https://ops.example.com/confab');
    const format = getByRole(root, 'combobox', 'Format');
    expect([...format.options].map((o) => o.value)).to.deep.equal([
      'json',
      'slack',
      'discord',
      'telegram',
    ]);
    format.value = 'discord';
    getByRole(root, 'button', 'Add webhook').click();
    await shows(el, 'whsec_0123456789abcdef');
    expect(deepText(el)).to.include('copy its secret now');
    expect(deepText(el)).to.include('https://ops.example.com/confab');
    const post = fetch.calls.find((c) => c.method === 'POST')!;
    expect(post.json).to.deep.equal({
      site: 'garden',
      url: 'https://ops.example.com/confab',
      format: 'discord',
    });
    await expect(el).to.be.accessible();
    await el.load();
    await el.updateComplete;
    expect(deepText(el)).not.to.include('whsec_0123456789abcdef');
    expect(deepText(el)).to.include('https://ops.example.com/confab');
  });

  it('shows a refused field next to it', async () => {
    const { api: mod } = api(
      routes({
        'GET moderation/webhooks': () => json({ webhooks: [] }),
        'POST moderation/webhooks': () =>
          problem(422, 'validation_failed', {
            errors: [{ field: 'url', code: 'invalid', message: 'Not a private network, please.' }],
          }),
      }),
    );
    const el = await fixture(
      html`<confab-admin-webhooks .api=${mod} site="garden" owner></confab-admin-webhooks>`,
    );
    await shows(el, 'This site has no webhook.');
    const root = el.shadowRoot!;
    const url = getByRole(root, 'textbox', 'URL');
    type(url, 'https://10.0.0.1/hook');
    getByRole(root, 'button', 'Add webhook').click();
    await shows(el, 'Not a private network, please.');
    expect(url.getAttribute('aria-invalid')).to.equal('true');
    expect(url.getAttribute('aria-describedby')).to.include('url-error');
    expect(root.getElementById('url-error')?.textContent).to.equal(
      'Not a private network, please.',
    );
  });

  it('asks before removing a webhook', async () => {
    let hooks: WebhookItem[] = [HOOK];
    const { fetch, api: mod } = api(
      routes({
        'GET moderation/webhooks': () => json({ webhooks: hooks }),
        'DELETE moderation/webhooks/wh1': () => {
          hooks = [];
          return new Response(null, { status: 204 });
        },
      }),
    );
    const el = await fixture(
      html`<confab-admin-webhooks .api=${mod} site="garden" owner></confab-admin-webhooks>`,
    );
    await shows(el, HOOK.url);
    const root = el.shadowRoot!;
    getByRole(root, 'button', `Remove the webhook to ${HOOK.url}`).click();
    await waitUntil(() => allByRole(root, 'button', 'Yes, remove').length === 1);
    expect(fetch.calls.some((c) => c.method === 'DELETE')).to.equal(false);
    getByRole(root, 'button', 'Keep').click();
    await waitUntil(() => allByRole(root, 'button', 'Yes, remove').length === 0);
    getByRole(root, 'button', `Remove the webhook to ${HOOK.url}`).click();
    await waitUntil(() => allByRole(root, 'button', 'Yes, remove').length === 1);
    getByRole(root, 'button', 'Yes, remove').click();
    await shows(el, `Removed the webhook to ${HOOK.url}.`);
    await shows(el, 'This site has no webhook.');
    const del = fetch.calls.find((c) => c.method === 'DELETE')!;
    expect(del.url.searchParams.get('site')).to.equal('garden');
  });

  it('shows a moderator only a note, and asks the server nothing', async () => {
    const { fetch, api: mod } = api(routes({}));
    const el = await fixture(
      html`<confab-admin-webhooks .api=${mod} site="garden"></confab-admin-webhooks>`,
    );
    await shows(el, 'Only the site’s owners can see and change its webhooks.');
    expect(allByRole(el.shadowRoot!, 'button')).to.have.length(0);
    expect(fetch.calls).to.have.length(0);
  });
});

describe('<confab-admin> with the outbox and webhooks', () => {
  beforeEach(() => {
    sessionStorage.clear();
    localStorage.clear();
  });

  it('shows owners both panels and moderators the outbox only', async () => {
    const session: Session = {
      token: 'tok-admin-0123456789',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      user: {
        id: 'u-admin',
        name: 'Admin Ada',
        avatarUrl: null,
        profileUrl: null,
        provider: 'demo',
        role: 'owner',
      },
    };
    sessionStorage.setItem('confab:admin:session', JSON.stringify(session));
    localStorage.setItem('confab:admin:site', 'garden');
    const { fetch } = outboxServer({
      'GET moderation/sites': () =>
        json({
          sites: [
            { id: 'garden', name: 'A Small Garden', role: 'owner', pending: 0, spam: 0 },
            { id: 'kitchen', name: 'Kitchen Notes', role: 'moderator', pending: 0, spam: 0 },
          ],
        }),
      'GET moderation/comments': () =>
        json({
          comments: [],
          nextCursor: null,
          counts: { pending: 0, published: 0, spam: 0, deleted: 0 },
        }),
      'GET moderation/webhooks': () => json({ webhooks: [] }),
    });
    const el = await fixture<ConfabAdmin>(
      html`<confab-admin server="https://comments.example/" .fetch=${fetch}></confab-admin>`,
    );
    const root = el.shadowRoot!;
    await shows(el, 'Signed in as Admin Ada, owner');
    getByRole(root, 'button', 'Webhooks').click();
    await shows(el, 'This site has no webhook.');
    getByRole(root, 'button', 'Mail & webhooks').click();
    await shows(el, REASON);
    expect(allByRole(root, 'button', /^Send again/)).to.have.length(2);
    const select = getByRole(root, 'combobox', 'Site');
    select.value = 'kitchen';
    select.dispatchEvent(new Event('change'));
    await shows(el, 'Signed in as Admin Ada, moderator');
    await waitUntil(() =>
      fetch.calls.some(
        (c) => c.url.pathname.endsWith('/outbox') && c.url.searchParams.get('site') === 'kitchen',
      ),
    );
    await shows(el, REASON);
    expect(allByRole(root, 'button', 'Webhooks')).to.have.length(0);
    expect(allByRole(root, 'button', /^Send again/)).to.have.length(0);
    expect(allByRole(root, 'button', 'Send a test email')).to.have.length(0);
  });
});
