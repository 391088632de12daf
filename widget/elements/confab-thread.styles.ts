import { css } from '../styles/tokens.js';

export const styles = css`
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: var(--g);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li {
    margin-block: var(--g);
  }
  li ul {
    padding-inline-start: calc(var(--s) / 2);
    margin-inline-start: calc(var(--s) / 2 - 1px);
    border-inline-start: 1px solid var(--b);
  }
  confab-composer {
    margin-block: var(--g);
  }
`;
