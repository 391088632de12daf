/**
 * @module import/html
 * Imported bodies to Markdown source. An imported comment is stored like a new one: a
 * Markdown `body_source` and the HTML the server's own renderer makes of it, so a later
 * re-render (a new `render_version`) gives the same allowed HTML and can never bring back
 * what the allowlist dropped. Safety does not rest on this file: the source goes through
 * `services/render.ts` (Markdown with raw HTML off, then its allowlist) like any comment.
 *
 * Steps: sanitize-html reduces the markup to the tags Markdown can say (script, style and
 * their text are dropped; `b` is `strong`, headings and `div` are paragraphs), entities are
 * decoded there exactly once, and the remaining tree is written as Markdown with every
 * character Markdown would read as markup escaped.
 */
import sanitizeHtml from 'sanitize-html';
import { isAllowedHref } from '../services/render.js';
import type { BodyFormat } from './record.js';

type Node = string | { tag: string; attrs: Record<string, string>; children: Node[] };

const INLINE = new Set(['strong', 'em', 'del', 'code', 'a', 'br']);

const paragraph = 'p';
const reduceOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'strong',
    'em',
    'del',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
  ],
  allowedAttributes: { a: ['href'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: true,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template'],
  transformTags: {
    b: 'strong',
    i: 'em',
    cite: 'em',
    var: 'em',
    s: 'del',
    strike: 'del',
    tt: 'code',
    kbd: 'code',
    samp: 'code',
    div: paragraph,
    section: paragraph,
    article: paragraph,
    h1: paragraph,
    h2: paragraph,
    h3: paragraph,
    h4: paragraph,
    h5: paragraph,
    h6: paragraph,
    tr: paragraph,
    dt: paragraph,
    dd: paragraph,
    figcaption: paragraph,
    caption: paragraph,
  },
};

// C0/C1 controls other than tab and newline, and bidi overrides (as for new comments).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\0-\x08\x0B-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]/gu;

const decode = (text: string): string =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** Parses sanitize-html's output, which holds only the tags above, well nested. */
function toTree(html: string): Node[] {
  const root: Node[] = [];
  const stack: { tag: string; children: Node[] }[] = [{ tag: '', children: root }];
  const pattern = /<(\/?)([a-z0-9]+)((?:\s+[a-z-]+="[^"]*")*)\s*\/?>|([^<]+)/g;
  for (const match of html.matchAll(pattern)) {
    const top = stack.at(-1);
    if (top === undefined) break;
    const [, closing, tag, attrText, text] = match;
    if (text !== undefined) {
      top.children.push(decode(text));
    } else if (closing === '/') {
      const at = stack.findLastIndex((f) => f.tag === tag);
      if (at > 0) stack.length = at;
    } else if (tag !== undefined) {
      const attrs: Record<string, string> = {};
      for (const a of (attrText ?? '').matchAll(/([a-z-]+)="([^"]*)"/g)) {
        if (a[1] !== undefined) attrs[a[1]] = decode(a[2] ?? '');
      }
      const node = { tag, attrs, children: [] as Node[] };
      top.children.push(node);
      if (tag !== 'br' && tag !== 'hr') stack.push(node);
    }
  }
  return root;
}

/** Markdown would read these as markup anywhere in a line. */
function escapeText(text: string): string {
  return text.replace(/[\\`*_[\]<>~]/g, '\\$&').replace(/&(?=#?[a-z0-9]+;)/gi, '\\&');
}

/** ...and these at the start of a line (lists, quotes, headings, breaks, tables). */
function escapeLineStart(line: string): string {
  return line.replace(/^([#>+=|-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

function textOf(node: Node): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}

class Writer {
  constructor(private readonly keepNewlines: boolean) {}

  inline(nodes: readonly Node[]): string {
    return nodes
      .map((n, i) => {
        const previous = nodes[i - 1];
        // `<br />` then a line break is one break, as a browser shows it (and as wpautop
        // writes it), not a paragraph.
        if (typeof n === 'string' && typeof previous !== 'string' && previous?.tag === 'br') {
          return this.inlineNode(n.replace(/^\r?\n/, ''));
        }
        return this.inlineNode(n);
      })
      .join('');
  }

  private inlineNode(node: Node): string {
    if (typeof node === 'string') {
      const spaced = this.keepNewlines
        ? node.replace(/\r\n?/g, '\n').replace(/[^\S\n]+/g, ' ')
        : node.replace(/\s+/g, ' ');
      return escapeText(spaced);
    }
    switch (node.tag) {
      case 'br':
        return '\n';
      case 'strong':
        return wrap(this.inline(node.children), '**');
      case 'em':
        return wrap(this.inline(node.children), '*');
      case 'del':
        return wrap(this.inline(node.children), '~~');
      case 'code':
        return codeSpan(textOf(node));
      case 'a': {
        const label = this.inline(node.children).replace(/\s*\n\s*/g, ' ');
        const href = node.attrs.href?.trim();
        if (href === undefined || href === '' || !isAllowedHref(href)) return label;
        const destination = href.replace(/[\s()<>]/g, (c) => encodeURIComponent(c));
        return `[${label.trim() === '' ? escapeText(href) : label}](${destination})`;
      }
      default:
        return this.inline(node.children);
    }
  }

  /** Paragraph text: lines trimmed (leading spaces would make code blocks) and escaped. */
  private paragraphs(text: string): string {
    return text
      .split('\n')
      .map((line) => escapeLineStart(line.trim()))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  }

  blocks(nodes: readonly Node[]): string {
    const out: string[] = [];
    let run: Node[] = [];
    const flush = (): void => {
      const text = this.paragraphs(this.inline(run));
      if (text !== '') out.push(text);
      run = [];
    };
    for (const node of nodes) {
      if (typeof node === 'string' || INLINE.has(node.tag)) {
        run.push(node);
        continue;
      }
      flush();
      const block = this.block(node);
      if (block !== '') out.push(block);
    }
    flush();
    return out.join('\n\n');
  }

  private block(node: Exclude<Node, string>): string {
    switch (node.tag) {
      case 'hr':
        return '---';
      case 'pre': {
        const code = textOf(node)
          .replace(/\r\n?/g, '\n')
          .replace(/^\n|\n$/g, '');
        if (code.trim() === '') return '';
        const fence = '`'.repeat(Math.max(3, longestRun(code, '`') + 1));
        return `${fence}\n${code}\n${fence}`;
      }
      case 'blockquote': {
        const inner = this.blocks(node.children);
        return inner === '' ? '' : prefixLines(inner, '> ', '>');
      }
      case 'ul':
      case 'ol': {
        const start = Number(node.attrs.start ?? '1');
        let n = Number.isInteger(start) ? start : 1;
        const items: string[] = [];
        for (const child of node.children) {
          if (typeof child === 'string' && child.trim() === '') continue;
          const content = this.blocks(typeof child === 'string' ? [child] : child.children);
          const marker = node.tag === 'ol' ? `${n}. ` : '- ';
          n += 1;
          const lines = content === '' ? [''] : content.split('\n');
          const pad = ' '.repeat(marker.length);
          items.push(
            lines.map((l, i) => (i === 0 ? marker + l : l === '' ? '' : pad + l)).join('\n'),
          );
        }
        return items.join('\n');
      }
      default:
        return this.blocks(node.children);
    }
  }
}

function wrap(inner: string, mark: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner);
  const [lead = '', core = '', trail = ''] = match?.slice(1) ?? [];
  return core === '' ? inner : `${lead}${mark}${core}${mark}${trail}`;
}

function codeSpan(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  if (flat.trim() === '') return escapeText(flat);
  const ticks = '`'.repeat(longestRun(flat, '`') + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

function longestRun(text: string, char: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

function prefixLines(text: string, prefix: string, blank: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? blank : prefix + l))
    .join('\n');
}

/** An imported body as Markdown source, for `renderer.render`. */
export function toMarkdownSource(body: string, format: BodyFormat): string {
  const clean = body.replace(FORBIDDEN, '');
  if (format === 'markdown') return clean.trim();
  const keepNewlines = format !== 'html';
  const writer = new Writer(keepNewlines);
  // Plain text (or markup-free HTML) needs no parsing: it is one text node.
  if (format === 'text' || !/[<&]/.test(clean)) return writer.blocks([clean]);
  return writer.blocks(toTree(sanitizeHtml(clean, reduceOptions)));
}

/** Names and titles: HTML entities decoded once, tags dropped, for binding as text. */
export function plainText(value: string | null): string | null {
  if (value === null) return null;
  if (!/[<&]/.test(value)) return value;
  const text = decode(sanitizeHtml(value, { allowedTags: [], allowedAttributes: {} }));
  return text;
}
