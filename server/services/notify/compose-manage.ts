/**
 * @module services/notify/compose-manage
 * The mail a guest asks for on the manage page: a link to the comments written with their
 * address on one site, to edit, delete, download or erase them. It goes only to the
 * address that was typed, and says what to do if someone else asked.
 */
import { escapeHtml, frame, headerText } from './compose.js';
import type { MailMessage } from './mailer.js';

export function manageMail(data: {
  to: string;
  messageId: string;
  siteName: string;
  manageUrl: string;
  /** How long the link works, in hours. */
  hours: number;
}): MailMessage {
  const site = headerText(data.siteName, 60);
  const lines = [
    `Someone (we hope you) asked for a link to the comments written with this address on ${site}.`,
    `Open it to edit, delete, download or erase them. It works for ${String(data.hours)} hours: ${data.manageUrl}`,
    'If it was not you, ignore this email: nothing changes, and the link stops working by itself.',
  ];
  return frame({
    to: data.to,
    messageId: data.messageId,
    subject: `Your comments on ${site}`,
    text: lines,
    html:
      `<p>${escapeHtml(lines[0] ?? '')}</p>` +
      `<p><a href="${escapeHtml(data.manageUrl)}">Your comments on ${escapeHtml(site)}</a> ` +
      `(the link works for ${String(data.hours)} hours)</p>` +
      `<p>${escapeHtml(lines[2] ?? '')}</p>`,
    footer: null,
  });
}
