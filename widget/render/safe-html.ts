/**
 * @module render/safe-html
 * Comment bodies come from the server already sanitized, but the widget runs inside the
 * blog's own document, where a comment that runs script runs as the blog (DESIGN.md
 * section 5). So it trusts nothing: the HTML is parsed in an inert document (DOMParser
 * runs no script and loads no image), and only allowlisted elements are re-created in
 * the page's document, with only the attributes checked here. Nothing is ever
 * serialized and re-parsed, so parser differentials (mXSS) have nothing to work on.
 */
import { noChange } from 'lit';
import { Directive, directive } from 'lit/directive.js';

const TAGS = new Set('p br hr strong em del s code pre blockquote ul ol li a'.split(' '));
/** Dropped with everything inside them; other unknown elements are unwrapped to their text. */
const DROP = new Set(
  'script style template iframe object embed svg math noscript textarea title'.split(' '),
);
const REL = 'nofollow ugc noopener noreferrer';

/**
 * The absolute URL if `value` is an http:, https: or mailto: URL or a relative one
 * (protocol-relative included), else undefined. The URL parser decides, as the browser
 * will, so `java\tscript:` or ` javascript:` are caught too.
 */
export function safeUrl(value: string | null | undefined): string | undefined {
  try {
    const url = new URL(value ?? '', document.baseURI);
    if (value && /^(https?|mailto):$/.test(url.protocol)) return url.href;
  } catch {
    // Not a URL at all.
  }
  return undefined;
}

function copy(from: Node, to: Node): void {
  for (const node of from.childNodes) {
    if (node instanceof Text) {
      to.appendChild(document.createTextNode(node.data));
    } else if (node instanceof Element) {
      const tag = node.localName;
      if (!TAGS.has(tag) || node.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
        if (!DROP.has(tag)) copy(node, to);
        continue;
      }
      const el = document.createElement(tag);
      const start = node.getAttribute('start') ?? '';
      const href = tag === 'a' && safeUrl(node.getAttribute('href'));
      if (href) el.setAttribute('href', href);
      if (tag === 'a') el.setAttribute('rel', REL);
      if (tag === 'ol' && /^\d{1,9}$/.test(start)) el.setAttribute('start', start);
      copy(node, el);
      to.appendChild(el);
    }
    // Comments, processing instructions and anything else are dropped.
  }
}

/** Builds a fresh fragment in this document holding only the allowed parts of `html`. */
export function safeFragment(html: string): DocumentFragment {
  const out = document.createDocumentFragment();
  copy(new DOMParser().parseFromString(html, 'text/html').body, out);
  return out;
}

class SafeHtmlDirective extends Directive {
  #last?: string;

  render(html: string): DocumentFragment {
    return safeFragment(html);
  }

  override update(_part: unknown, [html]: [string]) {
    if (html === this.#last) return noChange;
    this.#last = html;
    return this.render(html);
  }
}

/**
 * Renders server HTML through the allowlist in a child position:
 * `html\`<div>${safeHtml(comment.html)}</div>\``. Rebuilds only when the HTML changes.
 */
export const safeHtml = directive(SafeHtmlDirective);
