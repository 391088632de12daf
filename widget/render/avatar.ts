/**
 * @module render/avatar
 * A reader's avatar: the provider's picture when there is one, else their initials on a
 * colour picked from a hash of their name. Drawn locally: never Gravatar, which would
 * leak a hash of the reader's email to a third party.
 */
import { html, type TemplateResult } from 'lit';
import type { PublicAuthor } from '../../server/contract.js';
import { safeUrl } from './safe-html.js';

/** How many avatar colours the styles define (`.colour-0` … `.colour-7`, in `styles/tokens.ts`). */
const COLOURS = 8;

/** The first letters of the first two words, each with any accent that follows it. */
export function initials(name: string): string {
  return (name.match(/(?<!\S)\S\p{M}*/gu) ?? []).slice(0, 2).join('').toUpperCase();
}

export function avatar(author: Pick<PublicAuthor, 'name' | 'avatarUrl'>): TemplateResult {
  const src = safeUrl(author.avatarUrl);
  if (src?.startsWith('http')) return html`<img part="avatar" src=${src} alt="" />`;
  let hash = 0;
  for (const ch of author.name) hash = (hash * 31 + ch.charCodeAt(0)) % 997;
  return html`<span part="avatar" class="colour-${hash % COLOURS}" aria-hidden="true"
    >${initials(author.name)}</span
  >`;
}
