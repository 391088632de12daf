import { expect, fixture, html } from '@open-wc/testing';
import { render } from 'lit';
import { safeFragment, safeHtml, safeUrl } from '../../widget/render/safe-html.js';

/** Renders `input` through the directive into a fresh container, as the widget does. */
async function rendered(input: string): Promise<HTMLElement> {
  const el = await fixture<HTMLElement>(html`<div></div>`);
  render(html`${safeHtml(input)}`, el);
  return el;
}

/** Nothing in `root` may run script, load anything or navigate to a script URL. */
function expectInert(root: Element) {
  const all = [...root.querySelectorAll('*')];
  for (const el of all) {
    expect(el.localName, el.outerHTML).to.be.oneOf([
      'p',
      'br',
      'hr',
      'strong',
      'em',
      'del',
      's',
      'code',
      'pre',
      'blockquote',
      'ul',
      'ol',
      'li',
      'a',
    ]);
    for (const attr of el.attributes) {
      expect(attr.name, el.outerHTML).to.be.oneOf(['href', 'rel', 'start']);
    }
    const href = el.getAttribute('href');
    if (href !== null)
      expect(new URL(href, location.href).protocol).to.be.oneOf(['http:', 'https:', 'mailto:']);
  }
  expect(
    root.querySelector(
      'script, img, iframe, svg, math, style, object, embed, form, input, [style], [id], [name]',
    ),
  ).to.equal(null);
}

const HOSTILE: string[] = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '<a href="javascript:alert(1)">click</a>',
  '<a href=" javascript:alert(1)">click</a>',
  '<a href="java&#x09;script:alert(1)">click</a>',
  '<a href="JaVaScRiPt:alert(1)">click</a>',
  '<a href="vbscript:msgbox(1)">click</a>',
  '<a href="data:text/html,<script>alert(1)</script>">click</a>',
  '<svg onload=alert(1)><circle r=1></svg>',
  '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<iframe src="https://evil.example" srcdoc="<script>alert(1)</script>"></iframe>',
  '<p style="background:url(javascript:alert(1))">styled</p>',
  '<p onclick="alert(1)" onmouseover="alert(1)">handlers</p>',
  '<a href="https://ok.example" onclick="alert(1)" target="_blank">ok</a>',
  '<form id="x"><input name="attributes"></form><img name="body" id="cookie">',
  '<a id="confab" name="location" href="#">clobber</a>',
  '<object data="evil.swf"></object><embed src="evil.swf">',
  '<noscript><img src=x onerror=alert(1)></noscript>',
  '<template><img src=x onerror=alert(1)></template>',
  '<details open ontoggle=alert(1)>',
  '<video><source onerror=alert(1)></video>',
  '<div><p>nested <span onmouseover=alert(1)>unknown</span> wrapper</p></div>',
  '<style>@import "https://evil.example/x.css"</style>',
  '<base href="javascript:alert(1)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<!--<img src=x onerror=alert(1)>-->',
  '<ol start="1 onclick=alert(1)"><li>x</li></ol>',
  '<p>&lt;img src=x onerror=alert(1)&gt;</p>',
];

describe('safe-html', () => {
  for (const payload of HOSTILE) {
    it(`keeps ${payload} inert`, async () => {
      const el = await rendered(payload);
      expectInert(el);
    });
  }

  it('keeps escaped markup as text', async () => {
    const el = await rendered('<p>&lt;img src=x onerror=alert(1)&gt;</p>');
    expect(el.querySelector('p')!.textContent).to.equal('<img src=x onerror=alert(1)>');
  });

  it('keeps the allowed formatting', async () => {
    const el = await rendered(
      '<p><strong>b</strong> <em>i</em> <del>d</del> <s>s</s> <code>c</code></p><pre><code>x</code></pre>' +
        '<blockquote><p>q</p></blockquote><ul><li>u</li></ul><ol start="3"><li>o</li></ol><hr><p>a<br>b</p>',
    );
    for (const tag of [
      'strong',
      'em',
      'del',
      's',
      'code',
      'pre',
      'blockquote',
      'ul',
      'ol',
      'li',
      'hr',
      'br',
    ]) {
      expect(el.querySelector(tag), tag).to.exist;
    }
    expect(el.querySelector('ol')!.getAttribute('start')).to.equal('3');
  });

  it('unwraps unknown elements to their text and drops script content', async () => {
    const el = await rendered(
      '<div><h1>Title</h1><span>word</span></div><script>var secret</script>',
    );
    expect(el.textContent).to.equal('Titleword');
  });

  it('allows http, https, mailto, relative and protocol-relative links, with rel', async () => {
    const el = await rendered(
      '<a href="https://a.example/x">1</a><a href="http://b.example">2</a><a href="mailto:c@example.com">3</a>' +
        '<a href="/relative">4</a><a href="//d.example/p">5</a>',
    );
    const links = [...el.querySelectorAll('a')];
    expect(links.map((a) => a.href)).to.deep.equal([
      'https://a.example/x',
      'http://b.example/',
      'mailto:c@example.com',
      new URL('/relative', document.baseURI).href,
      new URL('//d.example/p', document.baseURI).href,
    ]);
    for (const a of links) expect(a.rel).to.equal('nofollow ugc noopener noreferrer');
  });

  it('keeps a link without its unsafe href', async () => {
    const el = await rendered('<a href="javascript:alert(1)">text</a>');
    const a = el.querySelector('a')!;
    expect(a.hasAttribute('href')).to.be.false;
    expect(a.textContent).to.equal('text');
  });

  it('builds nodes in this document, never running anything while parsing', async () => {
    const w = window as unknown as { pwned?: boolean };
    delete w.pwned;
    const frag = safeFragment('<img src=x onerror="window.pwned=true"><p>ok</p>');
    document.body.append(frag);
    await new Promise((r) => setTimeout(r, 50));
    expect(w.pwned).to.equal(undefined);
  });

  it('rebuilds only when the html changes', async () => {
    const el = await fixture<HTMLElement>(html`<div></div>`);
    const show = (input: string) => render(html`${safeHtml(input)}`, el);
    show('<p>one</p>');
    const first = el.querySelector('p');
    show('<p>one</p>');
    expect(el.querySelector('p')).to.equal(first);
    show('<p>two</p>');
    expect(el.textContent).to.contain('two');
  });

  describe('safeUrl', () => {
    it('accepts web and mail URLs', () => {
      expect(safeUrl('https://x.example/a?b#c')).to.equal('https://x.example/a?b#c');
      expect(safeUrl('mailto:a@b.example')).to.equal('mailto:a@b.example');
    });
    it('rejects script, data and unknown schemes, and nothing at all', () => {
      for (const bad of [
        'javascript:alert(1)',
        '\tjavascript:alert(1)',
        'data:text/html,x',
        'vbscript:x',
        'file:///etc/passwd',
        '',
        null,
        undefined,
      ]) {
        expect(safeUrl(bad), String(bad)).to.equal(undefined);
      }
    });
  });
});
