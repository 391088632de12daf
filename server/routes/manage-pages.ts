/**
 * @module routes/manage-pages
 * The pages of a guest's own comments (`/manage/...`): ask for the link, the list of what
 * was written with the address, edit, delete, erase, and what happened. Like the notify
 * pages they run no script, cannot be framed, send no referrer and are never cached; every
 * action is a form that posts the token in its body (never in a URL) to a page beside it
 * (`form-action 'self'`, relative actions, so a server under a path prefix works too).
 * Text is escaped; a comment's HTML is the stored, sanitized HTML.
 */
import { randomBytes } from 'node:crypto';
import type { GuestComment, GuestData } from '../services/data/guest-data.js';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export interface ManagePage {
  html: string;
  headers: Record<string, string>;
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color-scheme:light dark}
blockquote{margin:.5rem 0;padding:.25rem 1rem;border-left:3px solid #8888}
article{border-top:1px solid #8886;padding:1rem 0}.meta,.hint{font-size:.875rem;opacity:.8;margin:0}
form{display:inline-block;margin:.25rem .5rem .25rem 0}form.block{display:block}
label{display:block;margin:.5rem 0}input,textarea{font:inherit;display:block;width:100%;box-sizing:border-box;margin-top:.25rem;padding:.375rem}
button{font:inherit;padding:.375rem 1rem;border-radius:.375rem;border:1px solid #2563eb;background:#2563eb;color:#fff;cursor:pointer}
button.danger{border-color:#b91c1c;background:#b91c1c}button.secondary{background:transparent;color:inherit;border-color:#8888}
button:focus-visible,a:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}
.error{color:#b91c1c;font-weight:600}`;

function page(title: string, body: string): ManagePage {
  const nonce = randomBytes(16).toString('base64');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
  return {
    html,
    headers: {
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
      // The token is in the first page's URL: no link on these pages may carry it away.
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Robots-Tag': 'noindex',
    },
  };
}

const p = (text: string, className?: string): string =>
  `<p${className === undefined ? '' : ` class="${className}"`}>${escapeHtml(text)}</p>`;

const hidden = (fields: Readonly<Record<string, string>>): string =>
  Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('');

/** A form of hidden fields and one button, posting to `action` beside the page. */
function button(
  action: string,
  fields: Readonly<Record<string, string>>,
  label: string,
  kind: 'primary' | 'danger' | 'secondary' = 'primary',
): string {
  const cls = kind === 'primary' ? '' : ` class="${kind}"`;
  return `<form method="post" action="${action}">${hidden(fields)}<button type="submit"${cls}>${escapeHtml(label)}</button></form>`;
}

const when = (iso: string): string =>
  new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(new Date(iso)) + ' UTC';

const STATUS: Record<string, string> = {
  published: 'Published',
  pending: 'Held for review',
  spam: 'Held as spam',
};

function meta(comment: GuestComment): string {
  const status = STATUS[comment.status] ?? comment.status;
  const edited = comment.editedAt === null ? '' : ` · edited ${when(comment.editedAt)}`;
  return `<p class="meta"><a href="${escapeHtml(comment.permalink)}">“${escapeHtml(comment.threadTitle)}”</a> · <time datetime="${comment.createdAt}">${escapeHtml(when(comment.createdAt))}</time> · ${escapeHtml(status)}${escapeHtml(edited)}</p>`;
}

/** Back to the list, the token in the body. */
const back = (token: string, label = 'Back to your comments'): string =>
  button('comments', { token }, label, 'secondary');

/** `GET /manage?site=`: the address to mail the link to. */
export function requestPage(site: { id: string; name: string }, error?: string): ManagePage {
  return page(
    `Your comments on ${site.name}`,
    p(
      'Wrote comments here as a guest? Give the email address you wrote them with, and we email it a link to them: to edit, delete, download or erase them. The link works for 24 hours.',
    ) +
      (error === undefined ? '' : p(error, 'error')) +
      `<form method="post" action="manage" class="block">${hidden({ site: site.id })}<label>Email address<input type="email" name="email" required maxlength="254" autocomplete="email"></label><button type="submit">Email me a link</button></form>` +
      p(
        'Signed in when you commented? Sign in on the site: your account’s data is downloaded and erased there.',
        'hint',
      ),
  );
}

/** After asking: the same words whether or not the address wrote anything. */
export function sentPage(site: { name: string }, email: string, hours: number): ManagePage {
  return page(
    'Check your email',
    p(
      `If comments on ${site.name} were written with ${email}, a link to them is on its way to that address. It works for ${String(hours)} hours.`,
    ) + p('Nothing came? Look in the spam folder, or ask again in a few minutes.', 'hint'),
  );
}

function subscriptionLine(s: GuestData['subscriptions'][number]): string {
  const what = s.scope === 'replies' ? 'replies to you' : 'every new comment';
  const state =
    s.status === 'active' ? 'confirmed' : s.status === 'pending' ? 'not confirmed' : 'unsubscribed';
  return `<li>“${escapeHtml(s.thread.title ?? s.thread.key)}”: ${escapeHtml(what)} (${state})</li>`;
}

/** The list of what was written with the address. */
export function listPage(data: GuestData, token: string): ManagePage {
  const items = data.comments.map((comment) => {
    const fields = { token, comment: comment.id };
    const edit =
      comment.editableUntil === null
        ? ''
        : button('edit', fields, 'Edit') +
          `<span class="hint">until ${escapeHtml(when(comment.editableUntil))}</span> `;
    return `<article>${meta(comment)}<blockquote>${comment.html}</blockquote>${edit}${button('delete', fields, 'Delete', 'danger')}</article>`;
  });
  const none = p('Nothing written with this address is here any more.');
  const more = data.more
    ? p(
        'Only the newest comments are listed here. Download my data has them all, and Erase everything erases them all.',
        'hint',
      )
    : '';
  const subscriptions =
    data.subscriptions.length === 0
      ? ''
      : `<h2>Emails about new comments</h2><ul>${data.subscriptions.map(subscriptionLine).join('')}</ul>`;
  return page(
    `Your comments on ${data.site.name}`,
    p(
      `Written with ${data.email}. This page works until ${when(data.expiresAt)}; after that, ask for a new link.`,
      'hint',
    ) +
      (items.length === 0 ? none : items.join('')) +
      more +
      subscriptions +
      `<h2>Your data</h2>` +
      p(
        'Download everything kept about what you wrote with this address here, or erase it all: where others replied, a comment stays as “This comment was deleted”, with no name, address or text.',
      ) +
      button('export', { token }, 'Download my data', 'secondary') +
      button('erase', { token }, 'Erase everything', 'danger'),
  );
}

/** The edit form (again, with `error` and what was typed, when the text was refused). */
export function editPage(
  comment: GuestComment,
  token: string,
  typed?: { body: string; error: string },
): ManagePage {
  const until =
    comment.editableUntil === null ? '' : ` You can edit it until ${when(comment.editableUntil)}.`;
  return page(
    'Edit your comment',
    meta(comment) +
      (typed === undefined ? '' : p(typed.error, 'error')) +
      `<form method="post" action="edit" class="block">${hidden({ token, comment: comment.id })}<label>Comment<textarea name="body" rows="8" required>${escapeHtml(typed?.body ?? comment.source)}</textarea></label>` +
      p(`Markdown.${until}`, 'hint') +
      `<button type="submit">Save</button></form>` +
      back(token, 'Cancel'),
  );
}

export function confirmDeletePage(comment: GuestComment, token: string): ManagePage {
  return page(
    'Delete this comment?',
    meta(comment) +
      `<blockquote>${comment.html}</blockquote>` +
      p(
        'If others replied to it, it stays in its place as “This comment was deleted”, with no name and no text; otherwise it goes entirely. This cannot be undone.',
      ) +
      button('delete', { token, comment: comment.id, confirm: 'yes' }, 'Delete', 'danger') +
      back(token, 'Keep it'),
  );
}

export function confirmErasePage(data: GuestData, token: string): ManagePage {
  const comments = data.more
    ? `more than ${String(data.comments.length)} comments`
    : `${String(data.comments.length)} ${data.comments.length === 1 ? 'comment' : 'comments'}`;
  const subs = data.subscriptions.length;
  return page(
    'Erase everything?',
    p(
      `This erases the ${comments} written with ${data.email} on ${data.site.name} (published, held and spam alike)` +
        `${subs === 0 ? '' : ` and its ${String(subs)} ${subs === 1 ? 'subscription' : 'subscriptions'} to new comments`}. ` +
        'Where others replied, a comment stays as “This comment was deleted”, with no name, address or text; the others go. This cannot be undone.',
    ) +
      button('erase', { token, confirm: 'yes' }, 'Erase everything', 'danger') +
      back(token, 'Keep everything'),
  );
}

/** What an action did, with the way back to the list (when there is a list to go back to). */
export function donePage(
  title: string,
  lines: string[],
  next: { token: string } | { href: string; label: string },
): ManagePage {
  const way =
    'token' in next
      ? back(next.token)
      : /^https?:\/\//.test(next.href)
        ? `<p><a href="${escapeHtml(next.href)}">${escapeHtml(next.label)}</a></p>`
        : '';
  return page(title, lines.map((line) => p(line)).join('') + way);
}

/** A problem; with the way to a new link when the link itself is the problem. */
export function problemPage(
  title: string,
  detail: string | undefined,
  askAgain?: string,
): ManagePage {
  const again =
    askAgain === undefined
      ? ''
      : `<p><a href="../manage?site=${encodeURIComponent(askAgain)}">Ask for a new link</a></p>`;
  return page(title, (detail === undefined ? '' : p(detail)) + again);
}
