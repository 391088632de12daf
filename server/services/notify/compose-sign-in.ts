/**
 * @module services/notify/compose-sign-in
 * The emailed sign-in's mail: a link for the browser that asked (it opens a page with a
 * button, so a mail scanner that follows links signs nobody in) and a short code for a
 * reader who reads the mail on another device and types it into the sign-in window. Both
 * work once, for a few minutes, and only for the sign-in that asked. The mail is the same
 * whether or not the address has an account, and nothing else is ever sent because of it.
 */
import { escapeHtml, frame, headerText } from './compose.js';
import type { MailMessage } from './mailer.js';

/** `123456` as `123 456`, easier to read off one screen and type into another. */
const spaced = (code: string): string => code.replace(/^(\d{3})(\d{3})$/, '$1 $2');

export function signInMail(data: {
  to: string;
  messageId: string;
  siteName: string;
  linkUrl: string;
  code: string;
  /** How long the link and the code work. */
  minutes: number;
}): MailMessage {
  const site = headerText(data.siteName, 60);
  const minutes = String(data.minutes);
  const code = spaced(data.code);
  const lines = [
    `Someone (we hope you) asked to sign in to comment on ${site} with this address.`,
    `To sign in, open this link in the browser where you asked, and press the button: ${data.linkUrl}`,
    `Reading this on another device? Type this code into the sign-in window instead: ${code}`,
    `The link and the code work once, for ${minutes} minutes. Never give the code to anyone: whoever types it signs in as you.`,
    'If it was not you, ignore this email: nobody is signed in, and nothing more will come.',
  ];
  return frame({
    to: data.to,
    messageId: data.messageId,
    subject: `Sign in to comment on ${site}`,
    text: lines,
    html:
      `<p>${escapeHtml(lines[0] ?? '')}</p>` +
      `<p><a href="${escapeHtml(data.linkUrl)}">Sign in to ${escapeHtml(site)}</a> ` +
      `(open it in the browser where you asked)</p>` +
      `<p>Reading this on another device? Type this code into the sign-in window instead:</p>` +
      `<p style="font-size:24px;letter-spacing:4px;font-family:monospace">${escapeHtml(code)}</p>` +
      `<p>${escapeHtml(lines[3] ?? '')}</p>` +
      `<p>${escapeHtml(lines[4] ?? '')}</p>`,
    footer: null,
  });
}
