/**
 * @module services/notify/mailer
 * Sends one mail over SMTP with nodemailer (`CONFAB_SMTP_URL`). Without a URL there is
 * no mailer: mail stays in the outbox, readable in `/admin` (the demo works that way).
 * Every header value is checked here once more, whatever built it: no CR, LF or other
 * control character reaches a header, and every address is one plain address.
 */
import nodemailer from 'nodemailer';
import { isMailAddress } from '../common/input-rules.js';

/** A mail as the outbox stores it (`outbox.payload`). */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers: List-Unsubscribe and the like. */
  headers: Record<string, string>;
  /** Without angle brackets: `<id>@<host>`, the same on every attempt. */
  messageId: string;
}

export interface Mailer {
  /** Where mail goes (`smtp://mail.example.com:587`), never the password. */
  readonly description: string;
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export class MailRefused extends Error {
  override readonly name = 'MailRefused';
}

const CONTROL = /\p{Cc}/u;

function assertHeader(name: string, value: string): void {
  if (CONTROL.test(value)) throw new MailRefused(`header ${name} holds a control character`);
}

/** The mailer for `url`, or undefined when no SMTP server is configured. */
export function createMailer(url: string | undefined, from: string): Mailer | undefined {
  if (url === undefined) return undefined;
  const parsed = new URL(url);
  // Well under the outbox's 5-minute lease: a send that hangs fails (and is tried again)
  // before another sender may take its row.
  const transport = nodemailer.createTransport(url, {
    from,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    description: `${parsed.protocol}//${parsed.host}`,
    async send(message) {
      if (!isMailAddress(message.to)) throw new MailRefused(`"${message.to}" is not an address`);
      assertHeader('Subject', message.subject);
      assertHeader('Message-ID', message.messageId);
      for (const [name, value] of Object.entries(message.headers)) assertHeader(name, value);
      await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers,
        messageId: `<${message.messageId}>`,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    },
    close() {
      transport.close();
    },
  };
}
