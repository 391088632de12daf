/**
 * A local stand-in for Akismet's REST API (comment-check), on 127.0.0.1: it answers as
 * Akismet documents — `true` (spam) for the author `akismet-guaranteed-spam`, `false`
 * otherwise, `invalid` with a debug header for a wrong key — and records every request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AkismetStandIn {
  url: string;
  requests: URLSearchParams[];
  close(): Promise<void>;
}

export async function startAkismet(key: string): Promise<AkismetStandIn> {
  const requests: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      requests.push(form);
      if (req.method !== 'POST' || req.url !== '/1.1/comment-check') {
        res.writeHead(404).end();
        return;
      }
      if (form.get('api_key') !== key) {
        res.writeHead(200, { 'X-akismet-debug-help': 'Invalid API key.' }).end('invalid');
        return;
      }
      const spam = form.get('comment_author') === 'akismet-guaranteed-spam';
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(spam ? 'true' : 'false');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => {
          if (e) reject(e);
          else resolve();
        });
      }),
  };
}
