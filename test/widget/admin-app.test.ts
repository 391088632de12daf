import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ModSettings, ModSitesResponse, Session } from '../../server/contract.js';
import '../../admin/main.js';
import type { ConfabAdmin } from '../../admin/elements/confab-admin.js';
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

const SERVER = 'https://comments.example';
const later = (ms = 10 * 60_000) => new Date(Date.now() + ms).toISOString();

const admin: Session = {
  token: 'tok-admin-0123456789',
  expiresAt: later(86_400_000),
  user: {
    id: 'u-admin',
    name: 'Admin Ada',
    avatarUrl: null,
    profileUrl: null,
    provider: 'demo',
    role: 'owner',
  },
};

const SITES: ModSitesResponse = {
  sites: [
    { id: 'garden', name: 'A Small Garden', role: 'owner', pending: 2, spam: 0 },
    { id: 'kitchen', name: 'Kitchen Notes', role: 'moderator', pending: 0, spam: 1 },
  ],
};

const SETTINGS: ModSettings = {
  name: 'A Small Garden',
  moderation: 'first-time',
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

const emptyQueue = {
  comments: [],
  nextCursor: null,
  counts: { pending: 0, published: 3, spam: 0, deleted: 0 },
};

interface FakePopup {
  closed: boolean;
  location: { href: string };
  posted: [unknown, string][];
  close(): void;
  postMessage(data: unknown, targetOrigin: string): void;
}

const fakePopup = (): FakePopup => ({
  closed: false,
  location: { href: '' },
  posted: [],
  close() {
    this.closed = true;
  },
  postMessage(data, targetOrigin) {
    this.posted.push([data, targetOrigin]);
  },
});

function message(data: unknown, origin: string, source: unknown) {
  const e = new MessageEvent('message', { data, origin });
  Object.defineProperty(e, 'source', { value: source });
  window.dispatchEvent(e);
}

function server(extra: Record<string, Handler> = {}): Handler {
  return routes({
    'GET /auth/providers': () => json([{ id: 'demo', name: 'Demo (this server only)' }]),
    'POST /auth/tx': () =>
      json({ tx: 'TX1', startUrl: `${SERVER}/auth/demo/start?tx=TX1`, expiresAt: later() }, 201),
    'POST /auth/exchange': () => json(admin),
    'POST /auth/claim': () => json({ pending: true }, 202),
    'POST /auth/logout': () => new Response(null, { status: 204 }),
    'GET moderation/sites': () => json(SITES),
    'GET moderation/comments': () => json(emptyQueue),
    'GET moderation/bans': () => json({ bans: [] }),
    'GET moderation/audit': () => json({ entries: [], nextCursor: null }),
    'GET moderation/settings': () => json(SETTINGS),
    ...extra,
  });
}

async function mount(handler: Handler = server()) {
  const fetch = fakeFetch(handler);
  const popup = fakePopup();
  const el = await fixture<ConfabAdmin>(
    html`<confab-admin
      server="${SERVER}/"
      .fetch=${fetch}
      .openPopup=${() => popup}
      .pollInterval=${60_000}
    ></confab-admin>`,
  );
  return { el, fetch, popup };
}

/** Waits until `text` shows somewhere in the app. */
const shows = (el: Element, text: string) =>
  waitUntil(() => deepText(el).includes(text), `"${text}" never showed: ${deepText(el)}`);

/** Signs in through the form and the (fake) popup, as a moderator would. */
async function signIn(el: ConfabAdmin, popup: FakePopup, site = 'garden') {
  type(getByRole(el.shadowRoot!, 'textbox', 'Site'), site);
  getByRole(el.shadowRoot!, 'button', 'Show sign-in methods').click();
  await waitUntil(
    () => allByRole(el.shadowRoot!, 'button', 'Demo (this server only)').length === 1,
  );
  getByRole(el.shadowRoot!, 'button', 'Demo (this server only)').click();
  await waitUntil(() => popup.location.href !== '', 'the popup was never sent to the start page');
  message({ type: 'confab:ready', tx: 'TX1' }, SERVER, popup);
  message({ type: 'confab:signed-in', tx: 'TX1', ticket: 'TICKET' }, SERVER, popup);
  await shows(el, 'Signed in as Admin Ada');
}

describe('<confab-admin>', () => {
  beforeEach(() => {
    sessionStorage.clear();
    localStorage.clear();
  });

  it('asks for a site, lists its sign-in methods and signs in through the popup', async () => {
    const { el, fetch, popup } = await mount();
    await shows(el, 'Sign in to moderate');
    await signIn(el, popup);

    const tx = fetch.calls.find((c) => c.url.pathname === '/auth/tx');
    expect((tx?.json as { site: string }).site).to.equal('garden');
    expect(popup.posted[0]?.[1], 'the start key goes to the server only').to.equal(SERVER);
    expect(popup.closed).to.be.true;

    const sites = fetch.calls.find((c) => c.url.pathname.endsWith('/moderation/sites'));
    expect(sites?.headers.get('authorization')).to.equal(`Bearer ${admin.token}`);
    expect(localStorage.getItem('confab:admin:site')).to.equal('garden');
    expect(sessionStorage.getItem('confab:admin:session')).to.include(admin.token);
    expect(getByRole(el.shadowRoot!, 'combobox', 'Site').value).to.equal('garden');
    await shows(el, 'Pending (0)');
  });

  it('fills the site field with the last site and shows its sign-in methods at once', async () => {
    localStorage.setItem('confab:admin:site', 'kitchen');
    const { el } = await mount();
    await waitUntil(
      () => allByRole(el.shadowRoot!, 'button', 'Demo (this server only)').length === 1,
    );
    expect(getByRole(el.shadowRoot!, 'textbox', 'Site').value).to.equal('kitchen');
  });

  it('says why the sign-in failed, in the server’s words', async () => {
    const { el } = await mount(
      server({
        'GET /auth/providers': () =>
          problem(404, 'site_not_found', { title: 'Site not found', detail: 'No site "nope".' }),
      }),
    );
    type(getByRole(el.shadowRoot!, 'textbox', 'Site'), 'nope');
    getByRole(el.shadowRoot!, 'button', 'Show sign-in methods').click();
    await shows(el, 'No site "nope".');
  });

  it('keeps the session for the tab and signs out for good', async () => {
    sessionStorage.setItem('confab:admin:session', JSON.stringify(admin));
    localStorage.setItem('confab:admin:site', 'garden');
    const { el, fetch } = await mount();
    await shows(el, 'Signed in as Admin Ada, owner');
    getByRole(el.shadowRoot!, 'button', 'Sign out').click();
    await shows(el, 'Sign in to moderate');
    await waitUntil(() => fetch.calls.some((c) => c.url.pathname === '/auth/logout'));
    const logout = fetch.calls.find((c) => c.url.pathname === '/auth/logout');
    expect(logout?.headers.get('authorization')).to.equal(`Bearer ${admin.token}`);
    expect(sessionStorage.getItem('confab:admin:session')).to.equal(null);
  });

  it('signs out when the server no longer takes the session', async () => {
    sessionStorage.setItem('confab:admin:session', JSON.stringify(admin));
    const { el } = await mount(
      server({ 'GET moderation/sites': () => problem(401, 'not_signed_in') }),
    );
    await shows(el, 'Your session has ended. Sign in again.');
    expect(allByRole(el.shadowRoot!, 'button', 'Show sign-in methods')).to.have.length(1);
  });

  it('switches sites and views, and shows settings read-only to a moderator', async () => {
    sessionStorage.setItem('confab:admin:session', JSON.stringify(admin));
    localStorage.setItem('confab:admin:site', 'garden');
    const { el, fetch } = await mount();
    await shows(el, 'Pending (0)');

    getByRole(el.shadowRoot!, 'button', 'Settings').click();
    await waitUntil(() => allByRole(el.shadowRoot!, 'button', 'Save settings').length === 1);
    expect(getByRole(el.shadowRoot!, 'textbox', 'Site name').matches(':disabled')).to.be.false;

    const select = getByRole(el.shadowRoot!, 'combobox', 'Site');
    select.value = 'kitchen';
    select.dispatchEvent(new Event('change'));
    await shows(el, 'Only the site’s owners can change these settings.');
    expect(allByRole(el.shadowRoot!, 'button', 'Save settings')).to.have.length(0);
    expect(getByRole(el.shadowRoot!, 'textbox', 'Site name').matches(':disabled')).to.be.true;
    expect(localStorage.getItem('confab:admin:site')).to.equal('kitchen');
    expect(
      fetch.calls.some(
        (c) => c.url.searchParams.get('site') === 'kitchen' && c.url.pathname.endsWith('/settings'),
      ),
    ).to.be.true;
  });

  it('keeps the site menu’s pending count in step with the queue', async () => {
    sessionStorage.setItem('confab:admin:session', JSON.stringify(admin));
    localStorage.setItem('confab:admin:site', 'garden');
    let pending = 1;
    const held = {
      id: 'p1',
      parentId: null,
      author: null,
      html: '<p>Held one</p>',
      createdAt: '2026-03-14T11:00:00.000Z',
      editedAt: null,
      status: 'pending',
      score: 0,
      myVote: 0,
      replyCount: 0,
      pinned: false,
      thread: { key: '/a/', title: 'A', url: null, locked: false },
      body: 'Held one',
      client: null,
      heldReason: 'policy',
      spamCheck: null,
      banned: false,
    };
    const { el } = await mount(
      server({
        'GET moderation/sites': () =>
          json({ sites: [{ ...SITES.sites[0]!, pending }, SITES.sites[1]!] }),
        'GET moderation/comments': () =>
          json({
            ...emptyQueue,
            comments: pending ? [held] : [],
            counts: { ...emptyQueue.counts, pending },
          }),
        'POST moderation/actions': () => {
          pending = 0;
          return json({ comments: [{ ...held, status: 'published' }] });
        },
      }),
    );
    await shows(el, 'Held one');
    expect(getByRole(el.shadowRoot!, 'combobox', 'Site').selectedOptions[0]?.text).to.include(
      '1 pending',
    );
    getByRole(el.shadowRoot!, 'button', 'Approve').click();
    await waitUntil(
      () =>
        getByRole(el.shadowRoot!, 'combobox', 'Site').selectedOptions[0]?.text.includes(
          '0 pending',
        ),
      'the count in the menu moved',
    );
  });

  it('says when the account moderates no site', async () => {
    sessionStorage.setItem('confab:admin:session', JSON.stringify(admin));
    const { el } = await mount(server({ 'GET moderation/sites': () => json({ sites: [] }) }));
    await shows(el, 'This account owns or moderates no site on this server.');
  });

  it('is accessible', async () => {
    const { el } = await mount();
    await shows(el, 'Sign in to moderate');
    await expect(el).to.be.accessible();
  });
});
