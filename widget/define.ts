/**
 * @module define
 * Registers Confab's elements; the bundle's entry (`/confab.js`). Safe to load twice
 * (say, once by the theme and once by a plugin): tags already defined are left alone.
 * It exports nothing; to use the classes, import `index.js`. `<confab-sign-in>` and
 * `<confab-mod-tools>` are not here: `<confab-thread>` loads each (a chunk of its own)
 * when it needs it, and the module registers it.
 */
import { ConfabComment } from './elements/confab-comment.js';
import { ConfabComposer } from './elements/confab-composer.js';
import { ConfabCount } from './elements/confab-count.js';
import { ConfabThread } from './elements/confab-thread.js';

const elements = {
  'confab-thread': ConfabThread,
  'confab-comment': ConfabComment,
  'confab-composer': ConfabComposer,
  'confab-count': ConfabCount,
};

for (const [tag, element] of Object.entries(elements)) {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
