/**
 * @module admin/styles
 * The moderation app's look, shared by its elements: system colours (`Canvas`,
 * `CanvasText`, `LinkText`) and `color-scheme: light dark`, so it follows the
 * moderator's light or dark setting, with one accent that works on both, and a visible
 * focus ring everywhere.
 */
import { css } from 'lit';

export const base = css`
  :host {
    display: block;
    color-scheme: light dark;
    --accent: #1a5fb4;
    --accent-text: #fff;
    --muted: color-mix(in srgb, CanvasText 70%, transparent);
    --line: color-mix(in srgb, CanvasText 20%, transparent);
    --soft: color-mix(in srgb, CanvasText 5%, Canvas);
    --danger: #b42318;
    --ok: #067647;
    --radius: 6px;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --accent: #8cb8ff;
      --accent-text: #111;
      --danger: #ff8a80;
      --ok: #7ddc9f;
    }
  }
  * {
    box-sizing: border-box;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    padding: 0.3em 0.8em;
    border: 1px solid var(--line);
    border-radius: var(--radius);
    background: var(--soft);
  }
  button.primary {
    background: var(--accent);
    color: var(--accent-text);
    border-color: var(--accent);
  }
  button.danger {
    color: var(--danger);
  }
  button:disabled {
    cursor: default;
    opacity: 0.55;
  }
  input:not([type='checkbox']),
  select,
  textarea {
    padding: 0.3em 0.5em;
    border: 1px solid var(--line);
    border-radius: var(--radius);
    background: Canvas;
  }
  :focus-visible {
    outline: 2px solid var(--accent);
    outline-offset: 2px;
  }
  a {
    color: LinkText;
  }
  .muted {
    color: var(--muted);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5em;
  }
  .error {
    color: var(--danger);
  }
  .error:empty,
  .status:empty {
    display: none;
  }
  .badge {
    display: inline-block;
    padding: 0 0.5em;
    border: 1px solid var(--line);
    border-radius: 999px;
    font-size: 0.85em;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  h2,
  h3 {
    margin: 0 0 0.5em;
  }
`;
