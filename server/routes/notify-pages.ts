/**
 * @module routes/notify-pages
 * The small pages mail links open: a question with one button (a GET never changes
 * anything; the button posts back to the same signed URL), and the answer after it. They
 * run no script, cannot be framed, send no referrer and are never cached.
 */
import { randomBytes } from 'node:crypto';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export interface NotifyPage {
  html: string;
  headers: Record<string, string>;
}

export interface PageContent {
  title: string;
  /** Paragraphs, as text. */
  lines: string[];
  /** Trusted, already-sanitized HTML shown in a quote (a comment's stored HTML). */
  quote?: string;
  /** The button, posting to the page's own URL. */
  button?: { label: string; destructive?: boolean };
  /** A link under the text (back to the post). */
  link?: { label: string; href: string };
}

export function notifyPage(content: PageContent): NotifyPage {
  const nonce = randomBytes(16).toString('base64');
  const lines = content.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('');
  const quote = content.quote === undefined ? '' : `<blockquote>${content.quote}</blockquote>`;
  const button =
    content.button === undefined
      ? ''
      : `<form method="post"><button type="submit"${content.button.destructive === true ? ' class="danger"' : ''}>${escapeHtml(content.button.label)}</button></form>`;
  const link =
    content.link === undefined || !/^https?:\/\//.test(content.link.href)
      ? ''
      : `<p><a href="${escapeHtml(content.link.href)}">${escapeHtml(content.link.label)}</a></p>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(content.title)}</title>
<style nonce="${nonce}">body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color-scheme:light dark}
blockquote{margin:1rem 0;padding:.25rem 1rem;border-left:3px solid #8888}
button{font:inherit;padding:.5rem 1.25rem;border-radius:.375rem;border:1px solid #2563eb;background:#2563eb;color:#fff;cursor:pointer}
button.danger{border-color:#b91c1c;background:#b91c1c}button:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}</style>
</head><body><main><h1>${escapeHtml(content.title)}</h1>${lines}${quote}${button}${link}</main></body></html>`;
  return {
    html,
    headers: {
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Robots-Tag': 'noindex',
    },
  };
}
