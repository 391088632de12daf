import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../widget/define.js';
import { deepAll, fakeFetch, getByRole, json, threadResponse } from './helpers.js';

async function submitButton() {
  const f = fakeFetch(() => json(threadResponse([])));
  const el = await fixture<HTMLElement>(
    html`<div style="color: rgb(10, 20, 30); font: 13px serif">
      <confab-thread site="s" thread="/t/" .fetch=${f}></confab-thread>
    </div>`,
  );
  const thread = el.querySelector('confab-thread')!;
  await waitUntil(() => deepAll(thread.shadowRoot!).some((e) => e.localName === 'confab-composer'));
  const composer = deepAll(thread.shadowRoot!).find((e) => e.localName === 'confab-composer')!;
  await (composer as unknown as { updateComplete: Promise<unknown> }).updateComplete;
  return { thread, button: getByRole(composer.shadowRoot!, 'button', 'Post Comment') };
}

describe('theming', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light' }));

  it("inherits the page's font and colour", async () => {
    const { thread } = await submitButton();
    const heading = thread.shadowRoot!.querySelector('h2')!;
    expect(getComputedStyle(heading).color).to.equal('rgb(10, 20, 30)');
    expect(getComputedStyle(heading).fontFamily).to.equal('serif');
  });

  it('keeps the accent button readable in light and dark mode', async () => {
    const { button } = await submitButton();
    await emulateMedia({ colorScheme: 'light' });
    // Snapshots: a computed style declaration is live.
    const colours = () => {
      const { color, backgroundColor } = getComputedStyle(button);
      return { color, backgroundColor };
    };
    const light = colours();
    expect(light.color).to.equal('rgb(255, 255, 255)');
    await emulateMedia({ colorScheme: 'dark' });
    const dark = colours();
    expect(dark.color).to.equal('rgb(17, 17, 17)');
    expect(dark.backgroundColor).not.to.equal(light.backgroundColor);
  });

  it('lets the page set the accent', async () => {
    const { thread, button } = await submitButton();
    thread.style.setProperty('--confab-accent', 'rgb(200, 0, 0)');
    expect(getComputedStyle(button).backgroundColor).to.equal('rgb(200, 0, 0)');
  });
});
