/**
 * @module services/common/render
 * Markdown to safe HTML, on the server. A comment renders inside the blog's own document,
 * so a comment that ran script would run as the blog: markdown-it with raw HTML off and
 * images off (a remote image in a comment tracks every reader), links limited to
 * http/https/mailto or relative, then an allowlist pass over the result as a second wall.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/** Bump when the output for the same source changes; stored rows are re-rendered. */
export const RENDER_VERSION = 1;

export const LINK_REL = 'nofollow ugc noopener noreferrer';

/** Renders on the calling thread: for workers and batch commands (imports), not requests. */
export interface MarkdownRenderer {
  readonly version: number;
  render(source: string): string;
}

const ALLOWED_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/**
 * A link target is allowed when it has no scheme (relative) or an allowed one. Anything
 * with a colon before the first `/`, `?` or `#` counts as having a scheme, so odd
 * spellings (`java%01script:`, `&#106;avascript:` after decoding) are refused, not guessed.
 */
export function isAllowedHref(href: string): boolean {
  const trimmed = href.trim();
  const schemeEnd = trimmed.search(/[:/?#]/);
  if (schemeEnd === -1 || trimmed[schemeEnd] !== ':') return true;
  const scheme = trimmed.slice(0, schemeEnd + 1).toLowerCase();
  return ALLOWED_SCHEMES.has(scheme);
}

/** The only elements a stored comment's HTML may hold (mail filters against the same list). */
export const COMMENT_TAGS = [
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
] as const;

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [...COMMENT_TAGS],
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: true,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => {
      const href = attribs.href;
      const attributes: Record<string, string> = { rel: LINK_REL };
      if (href !== undefined && isAllowedHref(href)) attributes.href = href;
      return { tagName, attribs: attributes };
    },
    ol: (tagName, attribs) => {
      const start = attribs.start;
      const kept: Record<string, string> = {};
      if (start !== undefined && /^\d{1,9}$/.test(start)) kept.start = start;
      return { tagName, attribs: kept };
    },
  },
};

export function createRenderer(): MarkdownRenderer {
  // maxNesting bounds how deep blockquotes and lists may go (a nesting bomb renders flat).
  const options = { html: false, linkify: true, breaks: true, typographer: false, maxNesting: 20 };
  const md = new MarkdownIt(options);
  md.disable(['image', 'heading', 'lheading', 'table', 'html_block', 'html_inline']);
  md.validateLink = isAllowedHref;
  return {
    version: RENDER_VERSION,
    render(source: string): string {
      return sanitizeHtml(md.render(source), sanitizeOptions).trim();
    },
  };
}
