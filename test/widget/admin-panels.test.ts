import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { Ban, ModSettings } from '../../server/contract.js';
import { ModerationApi } from '../../admin/api.js';
import '../../admin/main.js';
import { ApiClient } from '../../widget/api/client.js';
import {
  type Handler,
  allByRole,
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

const SETTINGS: ModSettings = {
  name: 'A Small Garden',
  moderation: 'none',
  allowGuests: true,
  rateLimit: 5,
  threadRateLimit: 0,
  newThreadLimit: 0,
  maxLinks: 2,
  blocklist: ['casino'],
  newAccountHours: 0,
  minFillSeconds: 3,
  proofOfWork: 0,
  spamCheck: false,
  votes: true,
  downvotes: true,
  spamCheckerAvailable: false,
  origins: ['https://garden.example'],
};

describe('<confab-admin-bans>', () => {
  it('lists the bans in force and lifts one', async () => {
    let bans: Ban[] = [
      {
        id: 'ban1',
        kind: 'user',
        label: 'Troll Tom',
        reason: 'Insults',
        createdAt: '2026-03-14T11:00:00.000Z',
        expiresAt: null,
        createdBy: 'Admin Ada',
      },
    ];
    const { fetch, api: mod } = api(
      routes({
        'GET moderation/bans': () => json({ bans }),
        'DELETE moderation/bans/ban1': () => {
          bans = [];
          return new Response(null, { status: 204 });
        },
      }),
    );
    const el = await fixture(
      html`<confab-admin-bans .api=${mod} site="garden"></confab-admin-bans>`,
    );
    await shows(el, 'Troll Tom');
    expect(deepText(el)).to.include('Insults');
    expect(deepText(el)).to.include('until lifted');
    getByRole(el.shadowRoot!, 'button', 'Lift the ban on Troll Tom (account)').click();
    await shows(el, 'Lifted the ban on Troll Tom.');
    await shows(el, 'Nobody is banned.');
    const del = fetch.calls.find((c) => c.method === 'DELETE')!;
    expect(del.url.searchParams.get('site')).to.equal('garden');
    expect(del.headers.get('authorization')).to.equal('Bearer tok-mod');
    await expect(el).to.be.accessible();
  });
});

describe('<confab-admin-audit>', () => {
  it('shows who did what, newest first, a page at a time', async () => {
    const entry = (id: string, action: string) => ({
      id,
      at: '2026-03-14T11:00:00.000Z',
      actor: 'Admin Ada',
      action,
      targetType: 'comment' as const,
      targetId: `c-${id}`,
      detail: { status: 'published' },
    });
    const { api: mod } = api(
      routes({
        'GET moderation/audit': (call) =>
          call.url.searchParams.get('cursor') === 'p2'
            ? json({ entries: [entry('2', 'comment.delete')], nextCursor: null })
            : json({ entries: [entry('1', 'comment.approve')], nextCursor: 'p2' }),
      }),
    );
    const el = await fixture(
      html`<confab-admin-audit .api=${mod} site="garden"></confab-admin-audit>`,
    );
    await shows(el, 'comment.approve');
    expect(deepText(el)).to.include('Admin Ada');
    expect(deepText(el)).to.include('status: published');
    getByRole(el.shadowRoot!, 'button', 'Load more').click();
    await shows(el, 'comment.delete');
    expect(allByRole(el.shadowRoot!, 'button', 'Load more')).to.have.length(0);
  });
});

describe('<confab-admin-settings>', () => {
  it('lets an owner change settings, sending only what changed', async () => {
    const { fetch, api: mod } = api(
      routes({
        'GET moderation/settings': () => json(SETTINGS),
        'PATCH moderation/settings': (call) =>
          json({ ...SETTINGS, ...(call.json as Partial<ModSettings>) }),
      }),
    );
    const el = await fixture(
      html`<confab-admin-settings .api=${mod} site="garden" owner></confab-admin-settings>`,
    );
    const root = el.shadowRoot!;
    await waitUntil(() => allByRole(root, 'button', 'Save settings').length === 1);
    const policy = getByRole(root, 'combobox', 'Hold comments for review');
    policy.value = 'first-time';
    type(getByRole(root, 'textbox', 'Blocked words and phrases'), 'casino\n  free money \n');
    type(getByRole(root, 'textbox', 'Most links before a comment is held'), '4');
    getByRole(root, 'button', 'Save settings').click();
    await shows(el, 'Settings saved.');
    const patch = fetch.calls.find((c) => c.method === 'PATCH')!;
    expect(patch.url.searchParams.get('site')).to.equal('garden');
    expect(patch.json).to.deep.equal({
      moderation: 'first-time',
      blocklist: ['casino', 'free money'],
      maxLinks: 4,
    });
    expect(deepText(el)).to.include('No spam checker is configured on this server.');
    expect(deepText(el)).to.include('https://garden.example');
    await expect(el).to.be.accessible();
  });

  it('shows a refusal in the server’s words', async () => {
    const { api: mod } = api(
      routes({
        'GET moderation/settings': () => json(SETTINGS),
        'PATCH moderation/settings': () =>
          problem(422, 'validation_failed', {
            title: 'Invalid request',
            detail: 'maxLinks is too large.',
          }),
      }),
    );
    const el = await fixture(
      html`<confab-admin-settings .api=${mod} site="garden" owner></confab-admin-settings>`,
    );
    const root = el.shadowRoot!;
    await waitUntil(() => allByRole(root, 'button', 'Save settings').length === 1);
    type(getByRole(root, 'textbox', 'Most links before a comment is held'), '400');
    getByRole(root, 'button', 'Save settings').click();
    await shows(el, 'maxLinks is too large.');
    expect(root.querySelector('[role=alert]')?.textContent).to.equal('maxLinks is too large.');
  });
});
