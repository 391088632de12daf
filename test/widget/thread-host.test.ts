/**
 * The chunks `<confab-thread>` loads later work through its small host interface
 * (`ThreadHost`: the site and `request()`), never through the element itself: here they
 * run against a plain object, and report what happened by what they return or dispatch.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { PublicComment, SessionUser } from '../../server/contract.js';
import { ApiClient } from '../../widget/api/client.js';
import '../../widget/elements/confab-mod-tools.js';
import type { ConfabModTools } from '../../widget/elements/confab-mod-tools.js';
import type { ThreadHost } from '../../widget/elements/thread-host.js';
import type { ConfabCommentModeratedEvent } from '../../widget/events.js';
import { deleteOwn, saveEdit } from '../../widget/state/own.js';
import {
  type FakeFetch,
  type Handler,
  comment,
  deepText,
  fakeFetch,
  getByRole,
  json,
  problem,
  routes,
} from './helpers.js';

/** A host as the chunks see it: a site, and requests through one client; it counts them. */
function host(handler: Handler): ThreadHost & { fetch: FakeFetch; requests: number } {
  const fetch = fakeFetch(handler);
  const api = new ApiClient('https://comments.example/', fetch);
  api.token = 'tok-staff';
  return {
    site: 'myblog',
    fetch,
    requests: 0,
    request(send) {
      this.requests++;
      return send(api);
    },
  };
}

const until = () => new Date(Date.now() + 10 * 60_000).toISOString();
const grant = (id: string) => {
  localStorage.setItem(
    `confab:edit:${id}`,
    JSON.stringify({ token: `tok-${id}`, until: until(), body: 'old *source*' }),
  );
};

describe('the thread host interface', () => {
  beforeEach(() => {
    localStorage.clear();
  });
  afterEach(() => {
    localStorage.clear();
  });

  describe('editing and deleting one’s own comment (state/own.ts)', () => {
    const realConfirm = Object.getOwnPropertyDescriptor(window, 'confirm')!;
    afterEach(() => {
      Object.defineProperty(window, 'confirm', realConfirm);
    });

    it('saves through the host with the edit token, keeps the new source, returns the comment', async () => {
      grant('mine');
      const edited = comment({ id: 'mine', html: '<p>new</p>' });
      const thread = host(routes({ 'PATCH comments/mine': () => json({ comment: edited }) }));
      const result = await saveEdit(thread, comment({ id: 'mine' }), 'new');
      expect(result).to.deep.equal(edited);
      expect(thread.requests).to.equal(1);
      expect(thread.fetch.calls[0]!.headers.get('Confab-Edit-Token')).to.equal('tok-mine');
      expect(JSON.parse(localStorage.getItem('confab:edit:mine')!)).to.include({ body: 'new' });
    });

    it('forgets the grant when the server refuses the right, and rejects', async () => {
      grant('mine');
      const thread = host(routes({ 'PATCH comments/mine': () => problem(403, 'forbidden') }));
      const failed = await saveEdit(thread, comment({ id: 'mine' }), 'new').catch(
        (e: unknown) => e,
      );
      expect(failed).to.have.property('code', 'forbidden');
      expect(localStorage.getItem('confab:edit:mine')).to.equal(null);
    });

    it('deletes once confirmed and returns what stays; asks nothing of the host otherwise', async () => {
      grant('mine');
      const thread = host(routes({ 'DELETE comments/mine': () => json({ comment: null }) }));
      window.confirm = () => false;
      expect(await deleteOwn(thread, comment({ id: 'mine' }))).to.equal(undefined);
      expect(thread.requests).to.equal(0);
      window.confirm = () => true;
      expect(await deleteOwn(thread, comment({ id: 'mine' }))).to.deep.equal({
        placeholder: null,
      });
      expect(thread.fetch.calls.map((c) => c.method)).to.deep.equal(['DELETE']);
      expect(localStorage.getItem('confab:edit:mine')).to.equal(null);
    });
  });

  describe('<confab-mod-tools>', () => {
    const moderator: SessionUser = {
      id: 'u1',
      name: 'Mo',
      avatarUrl: null,
      profileUrl: null,
      provider: 'github',
      role: 'moderator',
    };

    async function tools(thread: ThreadHost, c: PublicComment) {
      return fixture<ConfabModTools>(
        html`<confab-mod-tools
          .comment=${c}
          .thread=${thread}
          .user=${moderator}
        ></confab-mod-tools>`,
      );
    }

    it('acts through the host and reports the comment as it is now, public fields only', async () => {
      const held = comment({ id: 'h', status: 'pending', html: '<p>Hold</p>' });
      const thread = host(
        routes({
          'POST moderation/actions': () =>
            json({
              comments: [
                {
                  ...held,
                  status: 'published',
                  html: '<p>Held no more</p>',
                  author: { ...held.author!, email: 'a@example.com', userId: null },
                  body: 'Held no more',
                },
              ],
            }),
        }),
      );
      const el = await tools(thread, held);
      const moderated = oneEvent<ConfabCommentModeratedEvent>(document, 'confab-comment-moderated');
      getByRole(el.shadowRoot!, 'button', 'Approve').click();
      const event = await moderated;
      expect(event.action).to.equal('approve');
      expect(event.comment).to.deep.equal({
        ...held,
        status: 'published',
        html: '<p>Held no more</p>',
      });
      expect(event.comment.author).not.to.have.property('email');
      expect(thread.requests).to.equal(1);
      const call = thread.fetch.calls[0]!;
      expect(call.json).to.deep.equal({
        site: 'myblog',
        action: 'approve',
        ids: ['h'],
      });
      expect(call.headers.get('Authorization')).to.equal('Bearer tok-staff');
    });

    it('shows a refusal and reports nothing', async () => {
      const thread = host(
        routes({ 'POST moderation/actions': () => problem(409, 'invalid_state') }),
      );
      const el = await tools(thread, comment({ id: 'h', status: 'pending' }));
      let reported = false;
      el.addEventListener('confab-comment-moderated', () => (reported = true));
      getByRole(el.shadowRoot!, 'button', 'Approve').click();
      await waitUntil(() => deepText(el.shadowRoot!).includes('That no longer applies'));
      expect(reported).to.be.false;
    });
  });
});
