import { css } from 'lit';

export const styles = css`
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: var(--_gap);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li {
    margin-block: var(--_gap);
  }
  li ul {
    padding-inline-start: calc(var(--_avatar-size) / 2);
    margin-inline-start: calc(var(--_avatar-size) / 2 - 1px);
    border-inline-start: 1px solid var(--_border);
  }
  [part='likes'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25em 0.6em;
    --_avatar-size: 1.75rem;
  }
  [part='likes'] [part='avatar'] {
    font-size: 0.7em;
  }
  [part~='like-button'][aria-pressed='true'] {
    background: var(--_accent);
    color: var(--_accent-text);
  }
  confab-composer {
    margin-block: var(--_gap);
  }
`;
