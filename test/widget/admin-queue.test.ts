import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ModComment, ModQueueResponse } from '../../server/contract.js';
import { ModerationApi } from '../../admin/api.js';
import '../../admin/main.js';
import type { ConfabAdminQueue } from '../../admin/elements/confab-admin-queue.js';
import { ApiClient } from '../../widget/api/client.js';
import {
  type Call,
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

let seq = 0;

function modComment(over: Partial<ModComment> = {}): ModComment {
  const id = over.id ?? `m${++seq}`;
  return {
    id,
    parentId: null,
    author: {
      name: 'Guest Gus',
      avatarUrl: null,
      provider: 'guest',
      role: null,
      url: null,
      email: 'gus@example.com',
      userId: null,
    },
    html: `<p>Text of ${id}</p>`,
    createdAt: '2026-03-14T11:00:00.000Z',
    editedAt: null,
    status: 'pending',
    score: 0,
    myVote: 0,
    replyCount: 0,
    pinned: false,
    thread: {
      key: '/tomatoes/',
      title: 'Tomatoes',
      url: 'https://garden.example/tomatoes/',
      locked: false,
    },
    body: `Text of ${id}`,
    client: 'a1b2c3d4e5f6',
    heldReason: 'policy',
    spamCheck: null,
    banned: false,
    ...over,
  };
}

const counts = { pending: 2, published: 5, spam: 1, deleted: 0 };

function page(comments: ModComment[], over: Partial<ModQueueResponse> = {}): ModQueueResponse {
  return { comments, nextCursor: null, counts, ...over };
}

async function mount(handler: Handler) {
  const fetch = fakeFetch(handler);
  const api = new ModerationApi(new ApiClient(SERVER, fetch), 'tok-mod');
  const el = await fixture<ConfabAdminQueue>(
    html`<confab-admin-queue .api=${api} site="garden"></confab-admin-queue>`,
  );
  await waitUntil(
    () =>
      deepAll(el.shadowRoot!).some((e) => e.localName === 'confab-admin-comment') ||
      deepText(el).includes('Nothing here'),
  );
  return { el, fetch, root: el.shadowRoot! };
}

const shows = (el: Element, text: string) =>
  waitUntil(() => deepText(el).includes(text), `"${text}" never showed: ${deepText(el)}`);

const queueCalls = (calls: Call[]) =>
  calls.filter((c) => c.method === 'GET' && c.url.pathname.endsWith('/moderation/comments'));

/** The row of the comment whose text is `text`. */
function row(root: ParentNode, text: string): ShadowRoot {
  const found = deepAll(root).find(
    (e) => e.localName === 'confab-admin-comment' && deepText(e).includes(text),
  );
  if (!found?.shadowRoot) throw new Error(`no row with "${text}"`);
  return found.shadowRoot;
}

describe('<confab-admin-queue>', () => {
  it('shows the pending comments with what a moderator needs to judge them', async () => {
    const held = modComment({
      id: 'h1',
      html: '<p>Buy <a href="javascript:alert(1)">now</a><script>alert(2)</script> <a href="https://x.example/">here</a></p>',
      heldReason: 'links',
      spamCheck: 'spam',
    });
    const { el, root, fetch } = await mount(
      routes({ 'GET moderation/comments': () => json(page([held])) }),
    );
    const first = queueCalls(fetch.calls)[0]!;
    expect(first.url.searchParams.get('site')).to.equal('garden');
    expect(first.url.searchParams.get('status')).to.equal('pending');
    expect(first.headers.get('authorization')).to.equal('Bearer tok-mod');

    expect(getByRole(root, 'button', 'Pending (2)').getAttribute('aria-selected')).to.equal('true');
    expect(allByRole(root, 'button', 'Spam (1)')).to.have.length(1);
    expect(allByRole(root, 'button', 'Published (5)')).to.have.length(1);
    expect(allByRole(root, 'button', 'Deleted (0)')).to.have.length(1);

    const r = row(root, 'Buy');
    const text = deepText(r);
    for (const part of [
      'Guest Gus',
      'gus@example.com',
      'client a1b2c3d4e5f6',
      'Held for\ntoo many links',
      'Spam check\nspam',
      'Tomatoes',
    ]) {
      expect(text).to.include(part);
    }
    expect(r.querySelector('script')).to.equal(null);
    const links = [...r.querySelectorAll('[part=body] a')] as HTMLAnchorElement[];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal([null, 'https://x.example/']);
    expect(links[1]?.rel).to.equal('nofollow ugc noopener noreferrer');
    expect(getByRole(r, 'link', 'Tomatoes').href).to.equal('https://garden.example/tomatoes/');
    expect(r.querySelector('time')?.getAttribute('datetime')).to.equal(held.createdAt);
    for (const name of ['Approve', 'Reject', 'Spam', 'Delete', 'Lock thread', 'Ban author'])
      expect(allByRole(r, 'button', name), name).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('approves one comment, announces it and shows the queue as it is now', async () => {
    let approved = false;
    const c = modComment({ id: 'a1', html: '<p>Lovely post</p>' });
    const { el, root, fetch } = await mount(
      routes({
        'GET moderation/comments': () =>
          json(
            approved ? page([], { counts: { ...counts, pending: 1, published: 6 } }) : page([c]),
          ),
        'POST moderation/actions': () => {
          approved = true;
          return json({ comments: [{ ...c, status: 'published' }] });
        },
      }),
    );
    getByRole(row(root, 'Lovely post'), 'button', 'Approve').click();
    await shows(el, 'Approved 1 comment.');
    const post = fetch.calls.find((x) => x.method === 'POST')!;
    expect(post.json).to.deep.equal({ site: 'garden', action: 'approve', ids: ['a1'] });
    expect(post.headers.get('authorization')).to.equal('Bearer tok-mod');
    await shows(el, 'Published (6)');
    expect(deepText(el)).not.to.include('Lovely post');
    expect(root.querySelector('[role=status]')?.textContent).to.equal('Approved 1 comment.');
  });

  it('acts on all or some ticked comments at once', async () => {
    const list = [modComment({ id: 'b1' }), modComment({ id: 'b2' }), modComment({ id: 'b3' })];
    const { el, root, fetch } = await mount(
      routes({
        'GET moderation/comments': () => json(page(list)),
        'POST moderation/actions': (call) =>
          json({
            comments: (call.json as { ids: string[] }).ids.map((id) => ({ ...list[0]!, id })),
          }),
      }),
    );
    const reject = getByRole(root, 'button', 'Reject selected');
    expect(reject.disabled).to.be.true;
    getByRole(root, 'checkbox', 'Select all').click();
    await shows(el, '3 selected');
    getByRole(root, 'button', 'Reject selected').click();
    await shows(el, 'Rejected 3 comments.');
    expect(fetch.calls.find((c) => c.method === 'POST')?.json).to.deep.equal({
      site: 'garden',
      action: 'reject',
      ids: ['b1', 'b2', 'b3'],
    });

    getByRole(row(root, 'Text of b2'), 'checkbox', 'Select the comment by Guest Gus').click();
    await shows(el, '1 selected');
    const all = getByRole(root, 'checkbox', 'Select all');
    expect(all.indeterminate).to.be.true;
    getByRole(root, 'button', 'Spam selected').click();
    await shows(el, 'Marked as spam 1 comment.');
    expect(fetch.calls.filter((c) => c.method === 'POST')[1]?.json).to.deep.equal({
      site: 'garden',
      action: 'spam',
      ids: ['b2'],
    });
  });

  it('says why an action was refused, in the server’s words', async () => {
    const { el, root } = await mount(
      routes({
        'GET moderation/comments': () => json(page([modComment({ id: 'e1' })])),
        'POST moderation/actions': () =>
          problem(409, 'invalid_state', {
            title: 'Not possible',
            detail: 'Only top-level comments can be pinned.',
          }),
      }),
    );
    getByRole(row(root, 'Text of e1'), 'button', 'Approve').click();
    await shows(el, 'Only top-level comments can be pinned.');
    expect(root.querySelector('[role=alert]')?.textContent).to.equal(
      'Only top-level comments can be pinned.',
    );
  });

  it('switches status with the tabs, by click and by arrow keys, and searches', async () => {
    const { el, root, fetch } = await mount(
      routes({
        'GET moderation/comments': (call) =>
          json(
            page([
              modComment({
                status: (call.url.searchParams.get('status') ?? 'pending') as ModComment['status'],
                html: `<p>in ${call.url.searchParams.get('status')}</p>`,
              }),
            ]),
          ),
      }),
    );
    getByRole(root, 'button', 'Published (5)').click();
    await shows(el, 'in published');
    const published = getByRole(root, 'button', 'Published (5)');
    expect(published.getAttribute('aria-selected')).to.equal('true');
    expect(published.tabIndex).to.equal(0);
    published.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    await shows(el, 'in deleted');
    await waitUntil(() => root.activeElement?.id === 'tab-deleted', 'focus follows the arrow');
    // Pin is offered on published top-level comments only.
    getByRole(root, 'button', 'Published (5)').click();
    await shows(el, 'in published');
    expect(allByRole(row(root, 'in published'), 'button', 'Pin')).to.have.length(1);

    type(getByRole(root, 'textbox', 'Search comments'), 'casino');
    getByRole(root, 'button', 'Search').click();
    await waitUntil(() =>
      queueCalls(fetch.calls).some((c) => c.url.searchParams.get('q') === 'casino'),
    );
    await shows(el, 'Showing comments matching “casino”.');
    expect(queueCalls(fetch.calls).at(-1)?.url.searchParams.get('status')).to.equal('published');
  });

  it('loads more comments when there are more', async () => {
    const { el, root, fetch } = await mount(
      routes({
        'GET moderation/comments': (call) =>
          call.url.searchParams.get('cursor') === 'next'
            ? json(page([modComment({ html: '<p>older one</p>' })]))
            : json(page([modComment({ html: '<p>newer one</p>' })], { nextCursor: 'next' })),
      }),
    );
    getByRole(root, 'button', 'Load more').click();
    await shows(el, 'older one');
    expect(deepText(el)).to.include('newer one');
    expect(allByRole(root, 'button', 'Load more')).to.have.length(0);
    expect(queueCalls(fetch.calls)).to.have.length(2);
  });

  it('locks a comment’s thread', async () => {
    const { el, root, fetch } = await mount(
      routes({
        'GET moderation/comments': () => json(page([modComment({ id: 'l1' })])),
        'PUT moderation/threads/lock': () =>
          json({
            thread: {
              key: '/tomatoes/',
              title: 'Tomatoes',
              url: null,
              locked: true,
              commentCount: 1,
              likeCount: 0,
              liked: false,
            },
          }),
      }),
    );
    getByRole(row(root, 'Text of l1'), 'button', 'Lock thread').click();
    await shows(el, 'Locked the thread “Tomatoes”.');
    const put = fetch.calls.find((c) => c.method === 'PUT')!;
    expect(put.url.searchParams.get('site')).to.equal('garden');
    expect(put.url.searchParams.get('thread')).to.equal('/tomatoes/');
    expect(put.json).to.deep.equal({ locked: true });
  });

  it('bans a comment’s author with a reason, an expiry and their comments deleted', async () => {
    const { el, root, fetch } = await mount(
      routes({
        'GET moderation/comments': () => json(page([modComment({ id: 'x1' })])),
        'POST moderation/bans': () => json({ bans: [] }, 201),
      }),
    );
    getByRole(row(root, 'Text of x1'), 'button', 'Ban author').click();
    const dialog = deepAll(root).find((e) => e.localName === 'dialog') as HTMLDialogElement;
    await waitUntil(() => dialog.open, 'the dialog opens');
    expect(deepText(dialog)).to.include('Ban Guest Gus');
    type(getByRole(dialog, 'textbox', 'Reason'), 'Spamming links');
    const expiry = getByRole(dialog, 'combobox', 'For how long');
    expect([...expiry.options].map((o) => o.text)).to.deep.equal([
      '1 day',
      '7 days',
      '30 days',
      'Forever (until lifted)',
    ]);
    expiry.value = '7';
    getByRole(dialog, 'checkbox', 'Also delete their comments on this site').click();
    const before = Date.now();
    getByRole(dialog, 'button', 'Ban').click();
    await shows(el, 'Guest Gus is banned until');
    expect(dialog.open).to.be.false;
    const body = fetch.calls.find((c) => c.method === 'POST')!.json as Record<string, unknown>;
    expect(body.site).to.equal('garden');
    expect(body.commentId).to.equal('x1');
    expect(body.reason).to.equal('Spamming links');
    expect(body.deleteComments).to.be.true;
    const days = (Date.parse(String(body.expiresAt)) - before) / 86_400_000;
    expect(days).to.be.closeTo(7, 0.01);
  });

  it('keeps the ban dialog open with the reason when the ban is refused', async () => {
    const { root } = await mount(
      routes({
        'GET moderation/comments': () => json(page([modComment({ id: 'x2' })])),
        'POST moderation/bans': () =>
          problem(403, 'forbidden', { title: 'Forbidden', detail: 'Owners cannot be banned.' }),
      }),
    );
    getByRole(row(root, 'Text of x2'), 'button', 'Ban author').click();
    const dialog = deepAll(root).find((e) => e.localName === 'dialog') as HTMLDialogElement;
    await waitUntil(() => dialog.open);
    getByRole(dialog, 'combobox', 'For how long').value = '0';
    getByRole(dialog, 'button', 'Ban').click();
    await waitUntil(() => deepText(dialog).includes('Owners cannot be banned.'));
    expect(dialog.open).to.be.true;
    getByRole(dialog, 'button', 'Cancel').click();
    expect(dialog.open).to.be.false;
  });
});

describe('<confab-admin-queue> editing a comment’s text', () => {
  /** The list item of the comment whose text is `text`: its row and, while editing, its editor. */
  function item(root: ParentNode, text: string): HTMLElement {
    const host = row(root, text).host as HTMLElement;
    return host.parentElement!;
  }

  const editor = (li: HTMLElement) => {
    const found = deepAll(li).find((e) => e.localName === 'confab-admin-edit');
    if (!found?.shadowRoot) throw new Error('no editor');
    return found.shadowRoot;
  };

  const rowRoot = (li: HTMLElement) => li.querySelector('confab-admin-comment')!.shadowRoot!;

  /** The row's Edit button has the focus. */
  const onEdit = (li: HTMLElement) =>
    waitUntil(() => {
      const edit = allByRole(li, 'button', 'Edit')[0];
      return edit !== undefined && rowRoot(li).activeElement === edit;
    }, 'the focus is back on Edit');

  it('saves the new text and shows the row as the server rendered it', async () => {
    const c = modComment({ id: 'ed1', html: '<p>Teh tomatos</p>', body: 'Teh tomatos' });
    const { el, root, fetch } = await mount(
      routes({
        'GET moderation/comments': () => json(page([c])),
        'PATCH moderation/comments/ed1': () =>
          json({
            comment: {
              ...c,
              body: 'The *tomatoes*',
              html: '<p>The <em>tomatoes</em><script>alert(1)</script></p>',
              editedAt: '2026-03-14T12:00:00.000Z',
            },
          }),
      }),
    );
    const li = item(root, 'Teh tomatos');
    getByRole(li, 'button', 'Edit').click();
    const ed = await waitUntil(() =>
      deepAll(li).some((e) => e.localName === 'confab-admin-edit'),
    ).then(() => editor(li));
    const field = getByRole(ed, 'textbox', 'Text (Markdown)');
    expect(field.value).to.equal('Teh tomatos');
    await waitUntil(() => ed.activeElement === field, 'the text is focused');
    expect(allByRole(li, 'button', 'Edit')).to.have.length(0);
    await expect(el).to.be.accessible();

    type(field, 'The *tomatoes*');
    getByRole(ed, 'button', 'Save').click();
    await shows(el, 'Saved.');
    const patch = fetch.calls.find((x) => x.method === 'PATCH')!;
    expect(patch.url.pathname).to.match(/\/api\/v1\/moderation\/comments\/ed1$/);
    expect(patch.json).to.deep.equal({ site: 'garden', body: 'The *tomatoes*' });
    expect(patch.headers.get('authorization')).to.equal('Bearer tok-mod');
    expect(root.querySelector('[role=status]')?.textContent).to.equal('Saved.');

    const after = rowRoot(li);
    expect(after.querySelector('[part=body]')?.innerHTML).to.include('The <em>tomatoes</em>');
    expect(after.querySelector('script')).to.equal(null);
    expect(deepText(el)).not.to.include('Teh tomatos');
    expect(deepAll(root).some((e) => e.localName === 'confab-admin-edit')).to.be.false;
    await onEdit(li);
    // Saved without reloading the queue.
    expect(queueCalls(fetch.calls)).to.have.length(1);
  });

  it('shows why an edit was refused and keeps the text', async () => {
    const c = modComment({ id: 'ed2', html: '<p>Owner words</p>', body: 'Owner words' });
    const { el, root } = await mount(
      routes({
        'GET moderation/comments': () => json(page([c])),
        'PATCH moderation/comments/ed2': () =>
          problem(403, 'forbidden', {
            title: 'Forbidden',
            detail: 'Moderators cannot edit an owner’s comment.',
          }),
      }),
    );
    const li = item(root, 'Owner words');
    getByRole(li, 'button', 'Edit').click();
    await waitUntil(() => deepAll(li).some((e) => e.localName === 'confab-admin-edit'));
    const ed = editor(li);
    const field = getByRole(ed, 'textbox', 'Text (Markdown)');
    type(field, 'Better owner words');
    getByRole(ed, 'button', 'Save').click();
    await waitUntil(() => deepText(ed).includes('Moderators cannot edit an owner’s comment.'));
    expect(ed.querySelector('[role=alert]')?.textContent).to.equal(
      'Moderators cannot edit an owner’s comment.',
    );
    expect(getByRole(ed, 'textbox', 'Text (Markdown)').value).to.equal('Better owner words');
    await waitUntil(() => ed.activeElement === field, 'the focus is back on the text');
    expect(deepText(el)).not.to.include('Saved.');
    expect(rowRoot(li).querySelector('[part=body]')).to.equal(null);
  });

  it('cancels with Cancel or Escape, changing nothing', async () => {
    const c = modComment({ id: 'ed3', html: '<p>Keep me</p>', body: 'Keep me' });
    const { el, root, fetch } = await mount(
      routes({ 'GET moderation/comments': () => json(page([c])) }),
    );
    const li = item(root, 'Keep me');
    const r = rowRoot(li);

    getByRole(li, 'button', 'Edit').click();
    await waitUntil(() => deepAll(li).some((e) => e.localName === 'confab-admin-edit'));
    type(getByRole(editor(li), 'textbox', 'Text (Markdown)'), 'Something else');
    getByRole(editor(li), 'button', 'Cancel').click();
    await onEdit(li);
    expect(deepAll(li).some((e) => e.localName === 'confab-admin-edit')).to.be.false;
    expect(r.querySelector('[part=body]')?.textContent).to.equal('Keep me');

    getByRole(li, 'button', 'Edit').click();
    await waitUntil(() => deepAll(li).some((e) => e.localName === 'confab-admin-edit'));
    const field = getByRole(editor(li), 'textbox', 'Text (Markdown)');
    expect(field.value).to.equal('Keep me');
    field.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }),
    );
    await onEdit(li);
    expect(r.querySelector('[part=body]')?.textContent).to.equal('Keep me');
    expect(fetch.calls.filter((x) => x.method !== 'GET')).to.have.length(0);
    expect(deepText(el)).not.to.include('Saved.');
  });

  it('offers no Edit on deleted comments', async () => {
    const { root } = await mount(
      routes({
        'GET moderation/comments': () =>
          json(page([modComment({ id: 'ed4', status: 'deleted', html: '<p>Gone</p>' })])),
      }),
    );
    expect(allByRole(item(root, 'Gone'), 'button', 'Edit')).to.have.length(0);
  });
});
