/**
 * @module services/notify/compose
 * What each mail says, as plain text and HTML. Comment text is inert in mail: the HTML
 * part carries the comment's already-sanitized HTML through a second, stricter allowlist
 * (no images, no styles, no scripts or forms, links only absolute http(s) or mailto, the
 * comment's own), and everything else is escaped. Names and titles reach the subject
 * with control and direction-override characters made spaces.
 */
import sanitizeHtml from 'sanitize-html';
import { COMMENT_TAGS } from '../common/render.js';
import type { MailMessage } from './mailer.js';

/** A comment as a mail shows it. */
export interface MailComment {
  id: string;
  authorName: string;
  /** The Markdown the author wrote (the text part). */
  source: string;
  /** The stored, sanitized HTML (the HTML part, filtered once more). */
  html: string;
  createdAt: string;
}

export interface MailThread {
  title: string;
  /** The page, `#comment-<id>` added for a comment. */
  url: string;
}

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** One line: no control or bidi-override characters, at most `max` characters. */
export function headerText(text: string, max = 120): string {
  const line = text
    .replace(/[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(line);
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('')}…`;
}

const mailHtmlOptions: sanitizeHtml.IOptions = {
  allowedTags: [...COMMENT_TAGS],
  allowedAttributes: { a: ['href', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => {
      const href = attribs.href ?? '';
      const attributes: Record<string, string> = {};
      if (/^(https?:\/\/|mailto:)/i.test(href)) {
        attributes.href = href;
        attributes.rel = 'nofollow noopener noreferrer';
      }
      return { tagName, attribs: attributes };
    },
  },
};

/** The comment's HTML as a mail may carry it. */
export function mailSafeHtml(html: string): string {
  return sanitizeHtml(html, mailHtmlOptions);
}

export function permalink(thread: MailThread, commentId: string): string {
  const url = new URL(thread.url);
  url.hash = `comment-${commentId}`;
  return url.href;
}

export interface Frame {
  to: string;
  subject: string;
  messageId: string;
  /** Paragraphs of the text part before the footer. */
  text: string[];
  /** The HTML part's body before the footer (already escaped). */
  html: string;
  /** Why this mail came, and how to stop it. */
  footer: { why: string; stopUrl: string; stopLabel: string } | null;
  headers?: Record<string, string>;
}

/** A mail's common frame: headers, the footer, the HTML shell (also compose-manage.ts). */
export function frame(f: Frame): MailMessage {
  const headers: Record<string, string> = {
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    ...f.headers,
  };
  let footerText = '';
  let footerHtml = '';
  if (f.footer !== null) {
    headers['List-Unsubscribe'] = `<${f.footer.stopUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    footerText = `\n\n-- \n${f.footer.why}\n${f.footer.stopLabel}: ${f.footer.stopUrl}\n`;
    footerHtml = `<hr><p style="color:#666;font-size:13px">${escapeHtml(f.footer.why)}<br><a href="${escapeHtml(f.footer.stopUrl)}">${escapeHtml(f.footer.stopLabel)}</a></p>`;
  }
  return {
    to: f.to,
    subject: headerText(f.subject, 150),
    text: `${f.text.join('\n\n')}${footerText}`,
    html: `<!doctype html><html><body style="font:15px/1.5 sans-serif;max-width:40rem">${f.html}${footerHtml}</body></html>`,
    headers,
    messageId: f.messageId,
  };
}

function quoted(comment: MailComment): { text: string; html: string } {
  return {
    text: comment.source
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n'),
    html: `<blockquote style="margin:1em 0;padding-left:1em;border-left:3px solid #ccc">${mailSafeHtml(comment.html)}</blockquote>`,
  };
}

/** A new comment for a reader who subscribed (to the thread, or to replies to them). */
export function newCommentMail(data: {
  to: string;
  messageId: string;
  comment: MailComment;
  thread: MailThread;
  isReply: boolean;
  scope: 'all' | 'replies';
  unsubscribeUrl: string;
}): MailMessage {
  const { comment, thread } = data;
  const name = headerText(comment.authorName, 60);
  const title = headerText(thread.title, 80);
  const link = permalink(thread, comment.id);
  const said = data.isReply ? `${name} replied on “${title}”:` : `${name} commented on “${title}”:`;
  const body = quoted(comment);
  return frame({
    to: data.to,
    messageId: data.messageId,
    subject: data.isReply ? `${name} replied on “${title}”` : `New comment on “${title}”`,
    text: [said, body.text, `Read it and reply: ${link}`],
    html: `<p>${escapeHtml(said)}</p>${body.html}<p><a href="${escapeHtml(link)}">Read it and reply</a></p>`,
    footer: {
      why:
        data.scope === 'all'
          ? `You get this because you asked to be told of new comments on “${title}”.`
          : `You get this because you asked to be told of replies to your comments on “${title}”.`,
      stopUrl: data.unsubscribeUrl,
      stopLabel: 'Stop these emails',
    },
  });
}

/** The double opt-in: nothing else is sent to a guest's address before this is confirmed. */
export function confirmMail(data: {
  to: string;
  messageId: string;
  siteName: string;
  thread: MailThread;
  scope: 'all' | 'replies';
  confirmUrl: string;
  unsubscribeUrl: string;
}): MailMessage {
  const title = headerText(data.thread.title, 80);
  const what =
    data.scope === 'all' ? `new comments on “${title}”` : `replies to your comments on “${title}”`;
  const lines = [
    `Someone (we hope you) asked to be emailed about ${what} on ${headerText(data.siteName, 60)}.`,
    `To confirm, open this link and press the button: ${data.confirmUrl}`,
    'If it was not you, ignore this email: nothing more will come.',
  ];
  return frame({
    to: data.to,
    messageId: data.messageId,
    subject: `Confirm: emails about “${title}”`,
    text: lines,
    html: `<p>${escapeHtml(lines[0] ?? '')}</p><p><a href="${escapeHtml(data.confirmUrl)}">Confirm</a></p><p>${escapeHtml(lines[2] ?? '')}</p>`,
    footer: {
      why: 'You get this because your address was given in a comment form.',
      stopUrl: data.unsubscribeUrl,
      stopLabel: 'Never ask me again for this post',
    },
  });
}

/** An owner's alert: a new comment, or one held for review with its action links. */
export function ownerAlertMail(data: {
  to: string;
  messageId: string;
  siteName: string;
  comment: MailComment & { authorEmail: string | null; status: string; heldReason: string | null };
  thread: MailThread;
  actions: { label: string; url: string }[];
  adminUrl: string;
  alertsOffUrl: string;
}): MailMessage {
  const { comment, thread } = data;
  const name = headerText(comment.authorName, 60);
  const title = headerText(thread.title, 80);
  const held = comment.status === 'pending';
  const link = permalink(thread, comment.id);
  const head = held
    ? `${name} wrote on “${title}”; the comment is held for review${comment.heldReason === null ? '' : ` (${comment.heldReason})`}.`
    : `${name} wrote on “${title}”.`;
  const who = comment.authorEmail === null ? name : `${name} <${comment.authorEmail}>`;
  const body = quoted(comment);
  const actionText = data.actions.map((a) => `${a.label}: ${a.url}`);
  const actionHtml = data.actions
    .map((a) => `<a href="${escapeHtml(a.url)}">${escapeHtml(a.label)}</a>`)
    .join(' · ');
  return frame({
    to: data.to,
    messageId: data.messageId,
    subject: held
      ? `Held for review on “${title}”: ${name}`
      : `New comment on “${title}” by ${name}`,
    text: [
      head,
      body.text,
      `From: ${who}`,
      ...(held ? actionText : [`Read it: ${link}`]),
      `Moderate: ${data.adminUrl}`,
    ],
    html: `<p>${escapeHtml(head)}</p>${body.html}<p>From: ${escapeHtml(who)}</p><p>${held ? actionHtml : `<a href="${escapeHtml(link)}">Read it</a>`} · <a href="${escapeHtml(data.adminUrl)}">Moderate</a></p>`,
    footer: {
      why: `You get this as an owner of ${headerText(data.siteName, 60)}.`,
      stopUrl: data.alertsOffUrl,
      stopLabel: 'Stop alerts to this address',
    },
  });
}

/** The day's comments in one mail, for owners who chose a digest. */
export function digestMail(data: {
  to: string;
  messageId: string;
  siteName: string;
  items: { comment: MailComment & { status: string }; thread: MailThread }[];
  adminUrl: string;
  alertsOffUrl: string;
}): MailMessage {
  const site = headerText(data.siteName, 60);
  const held = data.items.filter((i) => i.comment.status === 'pending').length;
  const count = data.items.length;
  const head = `${count} new ${count === 1 ? 'comment' : 'comments'} on ${site}${held > 0 ? `, ${held} held for review` : ''}.`;
  const text = data.items.map(
    ({ comment, thread }) =>
      `${headerText(comment.authorName, 60)} on “${headerText(thread.title, 80)}”${comment.status === 'pending' ? ' (held)' : ''}:\n${quoted(comment).text}\n${permalink(thread, comment.id)}`,
  );
  const html = data.items
    .map(
      ({ comment, thread }) =>
        `<h3 style="font-size:15px;margin:1.5em 0 0">${escapeHtml(headerText(comment.authorName, 60))} on <a href="${escapeHtml(permalink(thread, comment.id))}">“${escapeHtml(headerText(thread.title, 80))}”</a>${comment.status === 'pending' ? ' (held)' : ''}</h3>${quoted(comment).html}`,
    )
    .join('');
  return frame({
    to: data.to,
    messageId: data.messageId,
    subject: `${site}: ${count} new ${count === 1 ? 'comment' : 'comments'}`,
    text: [head, ...text, `Moderate: ${data.adminUrl}`],
    html: `<p>${escapeHtml(head)}</p>${html}<p><a href="${escapeHtml(data.adminUrl)}">Moderate</a></p>`,
    footer: {
      why: `You get this daily digest as an owner of ${site}.`,
      stopUrl: data.alertsOffUrl,
      stopLabel: 'Stop alerts to this address',
    },
  });
}

/** `confab mail test` and /admin's "Send a test email". */
export function testMail(data: { to: string; messageId: string; server: string }): MailMessage {
  const line = `This is a test email from the Confab server at ${data.server}. Mail works.`;
  return frame({
    to: data.to,
    messageId: data.messageId,
    subject: 'Confab test email',
    text: [line],
    html: `<p>${escapeHtml(line)}</p>`,
    footer: null,
  });
}
