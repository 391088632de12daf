/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package) that keeps what it is sent,
 * each mail parsed with `mailparser`. It can be stopped and started again on the same
 * port, to play a mail server that is down for a while.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Inbox {
  /** `smtp://127.0.0.1:<port>` */
  readonly url: string;
  /** Every mail received, parsed, in order. */
  readonly mails: ParsedMail[];
  /** Mails to `address`. */
  to(address: string): ParsedMail[];
  /** Closes the port (the mail server is down). */
  stop(): Promise<void>;
  /** Opens the same port again. */
  start(): Promise<void>;
}

function listen(server: SMTPServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve((server.server.address() as AddressInfo).port);
    });
  });
}

export async function startInbox(): Promise<Inbox> {
  const mails: ParsedMail[] = [];
  const make = (): SMTPServer =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            mails.push(mail);
            callback();
          })
          .catch((error: unknown) => {
            callback(error as Error);
          });
      },
    });
  let server = make();
  const port = await listen(server, 0);
  let running = true;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    to: (address) =>
      mails.filter((m) => {
        const to = Array.isArray(m.to) ? m.to : m.to === undefined ? [] : [m.to];
        return to.some((t) => t.value.some((v) => v.address === address));
      }),
    stop: async () => {
      if (!running) return;
      running = false;
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
    start: async () => {
      if (running) return;
      server = make();
      await listen(server, port);
      running = true;
    },
  };
}
