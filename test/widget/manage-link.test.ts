/**
 * The small link under the thread to the server's page where guests edit or erase the
 * comments they wrote with their address.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ConfabThread } from '../../widget/elements/confab-thread.js';
import '../../widget/define.js';
import { fakeFetch, json, routes, threadResponse } from './helpers.js';

describe('the thread’s manage link', () => {
  it('links to the server’s manage page for its site, and is accessible', async () => {
    const fetch = fakeFetch(routes({ 'GET threads': () => json(threadResponse([])) }));
    const el = await fixture<ConfabThread>(html`
      <confab-thread
        site="my blog"
        thread="/post/"
        server="https://comments.example/"
        .fetch=${fetch}
      ></confab-thread>
    `);
    await waitUntil(() => el.shadowRoot!.querySelector('confab-composer'), 'thread did not load');
    const link = el.shadowRoot!.querySelector<HTMLAnchorElement>('a[part=manage]')!;
    expect(link.textContent).to.equal('Edit or erase comments you wrote as a guest');
    expect(link.href).to.equal('https://comments.example/manage?site=my%20blog');
    expect(fetch.calls.some((c) => c.url.pathname.includes('manage'))).to.equal(false);
    await expect(el).to.be.accessible();
  });
});
