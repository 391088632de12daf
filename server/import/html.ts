/**
 * @module import/html
 * Imported bodies to Markdown source. An imported comment is stored like a new one: a
 * Markdown `body_source` and the HTML the server's own renderer makes of it, so a later
 * re-render (a new `render_version`) gives the same allowed HTML and can never bring back
 * what the allowlist dropped. Safety does not rest on this file: the source goes through
 * `services/render.ts` (Markdown with raw HTML off, then its allowlist) like any comment.
 *
 * Steps: a forgiving reader keeps the tags Markdown can say (script, style and their text
 * are dropped; `b` is `strong`, headings and `div` are paragraphs) and decodes entities
 * exactly once; the tree is written as Markdown with every character Markdown would read
 * as markup escaped.
 */
import MarkdownIt from 'markdown-it';
import { isAllowedHref } from '../services/common/render.js';
import type { BodyFormat } from './record.js';

type Element = { tag: string; attrs: Record<string, string>; children: Node[] };
type Node = string | Element;

const INLINE = new Set(['strong', 'em', 'del', 'code', 'a', 'br']);

/** Source tags to the few Markdown can say; other tags are dropped and their text kept. */
const TAGS: Readonly<Record<string, string>> = {
  p: 'p',
  br: 'br',
  hr: 'hr',
  strong: 'strong',
  b: 'strong',
  em: 'em',
  i: 'em',
  cite: 'em',
  var: 'em',
  del: 'del',
  s: 'del',
  strike: 'del',
  code: 'code',
  tt: 'code',
  kbd: 'code',
  samp: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  ul: 'ul',
  ol: 'ol',
  li: 'li',
  a: 'a',
  div: 'p',
  section: 'p',
  article: 'p',
  h1: 'p',
  h2: 'p',
  h3: 'p',
  h4: 'p',
  h5: 'p',
  h6: 'p',
  tr: 'p',
  dt: 'p',
  dd: 'p',
  figcaption: 'p',
  caption: 'p',
};

/** Elements whose text is not text (code, styles, form contents): dropped whole. */
const DROPPED = new Set([
  'script',
  'style',
  'textarea',
  'option',
  'noscript',
  'title',
  'head',
  'template',
  'iframe',
  'object',
  'svg',
  'math',
]);

// C0/C1 controls other than tab and newline, and bidi overrides (as for new comments).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\0-\x08\x0B-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]/gu;

const { unescapeAll } = new MarkdownIt().utils;

/** HTML entities decoded, exactly once (markdown-it's full HTML5 table). */
function decode(text: string): string {
  if (!text.includes('&')) return text;
  // unescapeAll also reads backslash escapes: double every backslash so they survive.
  return unescapeAll(text.replace(/\\/g, '\\\\'));
}

function attributesOf(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of text.matchAll(
    /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g,
  )) {
    const name = m[1]?.toLowerCase();
    if (name !== undefined) attrs[name] = decode(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

/**
 * A forgiving HTML reader, enough to turn markup into Markdown: the renderer's allowlist
 * is the safety wall, not this. Unknown tags vanish with their text kept; `p` and `li`
 * close themselves like HTML's; stray closing tags are ignored.
 */
function toTree(html: string): Node[] {
  const root: Element = { tag: '', attrs: {}, children: [] };
  const stack: Element[] = [root];
  const top = (): Element => stack[stack.length - 1] ?? root;
  const closeTo = (tag: string, stopAt: readonly string[]): void => {
    for (let i = stack.length - 1; i > 0; i -= 1) {
      const open = stack[i]?.tag ?? '';
      if (stopAt.includes(open)) return;
      if (open === tag) {
        stack.length = i;
        return;
      }
    }
  };
  const token =
    /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|[^<]+|</g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(html)) !== null) {
    const [whole, closing, rawTag, attrText] = m;
    if (rawTag === undefined) {
      if (!whole.startsWith('<!--')) top().children.push(decode(whole));
      continue;
    }
    const name = rawTag.toLowerCase();
    if (DROPPED.has(name)) {
      if (closing !== '/' && !attrText?.trim().endsWith('/')) {
        const end = new RegExp(`</${name}\\s*>`, 'ig');
        end.lastIndex = token.lastIndex;
        const found = end.exec(html);
        token.lastIndex = found === null ? html.length : end.lastIndex;
      }
      continue;
    }
    const tag = TAGS[name];
    if (tag === undefined) continue;
    if (closing === '/') {
      closeTo(tag, tag === 'li' ? ['ul', 'ol'] : []);
      continue;
    }
    if (tag === 'li') closeTo('li', ['ul', 'ol']);
    if (tag === 'p') closeTo('p', ['blockquote', 'li', 'ul', 'ol']);
    const element: Element = {
      tag,
      attrs: tag === 'a' || tag === 'ol' ? attributesOf(attrText ?? '') : {},
      children: [],
    };
    top().children.push(element);
    if (tag !== 'br' && tag !== 'hr') stack.push(element);
  }
  return root.children;
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
  return writer.blocks(toTree(clean));
}

/** Names and titles: HTML entities decoded once, tags dropped, for binding as text. */
/**
 * Text whose `&` entities are decoded and whose `<` is a character, not a tag: for fields
 * a source stores HTML-escaped (WordPress escapes comment authors' names).
 */
export function decodeEntities(value: string | null): string | null {
  if (value === null || !value.includes('&')) return value;
  return plainText(value.replace(/</g, '&lt;'));
}

export function plainText(value: string | null): string | null {
  if (value === null) return null;
  if (!/[<&]/.test(value)) return value;
  return toTree(value).map(textOf).join('');
}
