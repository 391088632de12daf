import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import type { ConfabErrorEvent } from '../../widget/events.js';
import { deepText, fakeFetch, json, networkDown } from './helpers.js';

describe('<confab-count>', () => {
  it('fetches every count of the page in one request', async () => {
    const f = fakeFetch(() => json({ counts: { '/a/': 3, '/b/': 1, '/c/': 0 } }));
    const el = await fixture(
      html`<div>
        <confab-count
          site="blog"
          thread="/a/"
          server="https://c.example/"
          .fetch=${f}
        ></confab-count>
        <confab-count
          site="blog"
          thread="/b/"
          server="https://c.example/"
          .fetch=${f}
        ></confab-count>
        <confab-count
          site="blog"
          thread="/c/"
          server="https://c.example/"
          .fetch=${f}
        ></confab-count>
      </div>`,
    );
    await waitUntil(() => deepText(el).includes('0 comments'));
    expect(f.calls).to.have.length(1);
    expect(f.calls[0]!.url.searchParams.getAll('thread')).to.deep.equal(['/a/', '/b/', '/c/']);
    expect(f.calls[0]!.url.searchParams.get('site')).to.equal('blog');
    expect([...el.querySelectorAll('confab-count')].map((c) => deepText(c))).to.deep.equal([
      '3 comments',
      '1 comment',
      '0 comments',
    ]);
  });

  it('keeps separate requests for separate sites', async () => {
    const f = fakeFetch((call) => json({ counts: { [call.url.searchParams.get('thread')!]: 2 } }));
    await fixture(
      html`<div>
        <confab-count
          site="one"
          thread="/a/"
          server="https://c.example/"
          .fetch=${f}
        ></confab-count>
        <confab-count
          site="two"
          thread="/b/"
          server="https://c.example/"
          .fetch=${f}
        ></confab-count>
      </div>`,
    );
    await waitUntil(() => f.calls.length === 2);
  });

  it('keeps its fallback text when the server cannot be reached', async () => {
    const f = fakeFetch(networkDown);
    const el = document.createElement('confab-count');
    Object.assign(el, { site: 'blog', thread: '/a/', fetch: f });
    el.textContent = 'Comments';
    const failed = oneEvent<ConfabErrorEvent>(el, 'confab-error');
    document.body.append(el);
    try {
      expect((await failed).code).to.equal('network');
      await el.updateComplete;
      expect(deepText(el)).to.equal('Comments');
    } finally {
      el.remove();
    }
  });
});
