/**
 * @module styles/tokens
 * The `--confab-*` custom properties and their defaults, plus the control, comment body
 * and avatar styles shared by the elements. Defaults derive from `currentColor`, so the widget
 * looks right on light and dark pages alike. Inside, each token is read once into a
 * private variable (`--_accent` for `--confab-accent`, and so on) that every shadow tree
 * below the thread inherits: set on `:host`, it also shuts out any same-named variable of
 * the page.
 */
import { css } from 'lit';

export const tokens = css`
  :host {
    display: block;
    color-scheme: light dark;
    --_accent: var(--confab-accent, #1a5fb4);
    --_accent-text: var(--confab-accent-text, #fff);
    --_border: var(--confab-border, color-mix(in srgb, currentColor 22%, transparent));
    --_muted: var(--confab-muted, color-mix(in srgb, currentColor 72%, transparent));
    --_radius: var(--confab-radius, 6px);
    --_gap: var(--confab-gap, 1rem);
    --_avatar-size: var(--confab-avatar-size, 2.5rem);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_accent: var(--confab-accent, #8cb8ff);
      --_accent-text: var(--confab-accent-text, #111);
    }
  }
`;

/**
 * Controls, comment bodies, and avatars (`render/avatar.ts`: a picture, or initials on one
 * of eight colours, `.colour-0` to `.colour-7`).
 */
export const shared = css`
  [part='avatar'] {
    width: var(--_avatar-size);
    height: var(--_avatar-size);
    border-radius: 50%;
    display: inline-grid;
    place-items: center;
    color: #fff;
    font-weight: 600;
    object-fit: cover;
  }
  .colour-0 {
    background: #b42318;
  }
  .colour-1 {
    background: #b54708;
  }
  .colour-2 {
    background: #7a5c00;
  }
  .colour-3 {
    background: #067647;
  }
  .colour-4 {
    background: #0e7090;
  }
  .colour-5 {
    background: #175cd3;
  }
  .colour-6 {
    background: #6938ef;
  }
  .colour-7 {
    background: #c11574;
  }
  button,
  input,
  textarea,
  select {
    font: inherit;
    color: inherit;
    background: none;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.35em 0.75em;
  }
  button {
    cursor: pointer;
  }
  /* A button that looks like a link: Reply, Edit, Log Out, the moderator's actions. */
  .link {
    border: 0;
    padding: 0;
    color: var(--_accent);
  }
  [part~='submit-button'] {
    background: var(--_accent);
    color: var(--_accent-text);
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .muted,
  time {
    color: var(--_muted);
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
    padding-inline-start: var(--_gap);
    border-inline-start: 3px solid var(--_border);
  }
  .body a {
    color: var(--_accent);
  }
`;
