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
  /**
   * Resolves once `address` has been sent `count` mails (with the last one); fails after
   * 10 s, naming who mail did go to, so a test that waits for the wrong mail fails, not hangs.
   */
  waitFor(address: string, count: number): Promise<ParsedMail>;
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
  const waiting = new Set<() => void>();
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
            for (const wake of [...waiting]) wake();
          })
          .catch((error: unknown) => {
            callback(error as Error);
          });
      },
    });
  let server = make();
  const port = await listen(server, 0);
  let running = true;
  const to = (address: string): ParsedMail[] =>
    mails.filter((m) => {
      const list = Array.isArray(m.to) ? m.to : m.to === undefined ? [] : [m.to];
      // Domains are case-insensitive (and lower-cased on the way); compare whole addresses so.
      return list.some((t) =>
        t.value.some((v) => v.address?.toLowerCase() === address.toLowerCase()),
      );
    });
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    to,
    waitFor: (address, count) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(check);
          const sent = mails.map((m) => (Array.isArray(m.to) ? m.to : [m.to]).map((t) => t?.text));
          reject(
            new Error(`no mail ${String(count)} to ${address}; mail went to ${sent.join(', ')}`),
          );
        }, 10_000);
        const check = (): void => {
          const got = to(address);
          if (got.length < count) return;
          waiting.delete(check);
          clearTimeout(timer);
          resolve(got[count - 1] as ParsedMail);
        };
        waiting.add(check);
        check();
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
