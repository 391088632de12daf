/**
 * @module styles/tokens
 * The `--confab-*` custom properties and their defaults, plus the control, comment body
 * and avatar styles shared by the elements. Defaults derive from `currentColor`, so the widget
 * looks right on light and dark pages alike. Inside, each token is read once into a
 * short private variable that every shadow tree below the thread inherits.
 */
import { unsafeCSS, type CSSResult } from 'lit';

/**
 * Lit's `css` tag for text without interpolations, which is all the widget has. Lit's own
 * tag mainly guards interpolated values; without it, that guard and its long error
 * message stay out of the size-budgeted bundle. Nothing but literal CSS ever reaches it.
 */
export const css = (strings: TemplateStringsArray): CSSResult => unsafeCSS(strings[0]);

export const tokens = css`
  :host {
    display: block;
    color-scheme: light dark;
    --a: var(--confab-accent, #1a5fb4);
    --at: var(--confab-accent-text, #fff);
    --b: var(--confab-border, color-mix(in srgb, currentColor 22%, transparent));
    --m: var(--confab-muted, color-mix(in srgb, currentColor 72%, transparent));
    --r: var(--confab-radius, 6px);
    --g: var(--confab-gap, 1rem);
    --s: var(--confab-avatar-size, 2.5rem);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --a: var(--confab-accent, #8cb8ff);
      --at: var(--confab-accent-text, #111);
    }
  }
`;

/** Controls, comment bodies, and avatars (`render/avatar.ts`: a picture, or initials on one of eight colours). */
export const shared = css`
  [part='avatar'] {
    width: var(--s);
    height: var(--s);
    border-radius: 50%;
    display: inline-grid;
    place-items: center;
    color: #fff;
    font-weight: 600;
    object-fit: cover;
  }
  .c0 {
    background: #b42318;
  }
  .c1 {
    background: #b54708;
  }
  .c2 {
    background: #7a5c00;
  }
  .c3 {
    background: #067647;
  }
  .c4 {
    background: #0e7090;
  }
  .c5 {
    background: #175cd3;
  }
  .c6 {
    background: #6938ef;
  }
  .c7 {
    background: #c11574;
  }
  button,
  input,
  textarea,
  select {
    font: inherit;
    color: inherit;
    background: none;
    border: 1px solid var(--b);
    border-radius: var(--r);
    padding: 0.35em 0.75em;
  }
  button {
    cursor: pointer;
  }
  .l {
    border: 0;
    padding: 0;
    color: var(--a);
  }
  [part~='submit-button'] {
    background: var(--a);
    color: var(--at);
  }
  :focus-visible {
    outline: 2px solid var(--a);
    outline-offset: 2px;
  }
  .m,
  time {
    color: var(--m);
    font-size: 0.875em;
  }
  [part='error'] {
    color: #d4351c;
  }
  [part='error']:empty {
    display: none;
  }
  .body {
    overflow-wrap: anywhere;
  }
  .body pre {
    overflow: auto;
  }
  .body blockquote {
    margin-inline: 0;
    padding-inline-start: var(--g);
    border-inline-start: 3px solid var(--b);
  }
  .body a {
    color: var(--a);
  }
`;
