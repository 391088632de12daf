/**
 * Request body limits on a real listening server (security.md section 7, T6 and T30):
 * hand-written HTTP/1.1 over raw sockets, so Content-Length, chunking and their
 * combinations are exactly what an attacker would send, not what a client library makes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../server/app.js';
import type { Problem, ThreadResponse } from '../../server/contract.js';
import { guestComment, makeTestApp, ORIGIN, type TestApp } from './helpers.js';

const TEN_MB = 10 * 1024 * 1024;
const CHUNK = 64 * 1024;

interface RawResponse {
  /** Every status line the server sent on the connection, in order. */
  statuses: number[];
  /** The first response's headers, lower-cased names. */
  headers: Map<string, string>;
  /** The first response's body, de-chunked. */
  body: string;
  raw: string;
}

function parseResponses(raw: Buffer): RawResponse {
  const text = raw.toString('latin1');
  const statuses = [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
  const headers = new Map<string, string>();
  const split = raw.indexOf('\r\n\r\n');
  if (split === -1) return { statuses, headers, body: '', raw: text };
  for (const line of raw.subarray(0, split).toString('latin1').split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let rest = raw.subarray(split + 4);
  let body: Buffer;
  if ((headers.get('transfer-encoding') ?? '').toLowerCase() === 'chunked') {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      if (lineEnd === -1) break;
      const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
      if (!Number.isFinite(size) || size === 0) break;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    body = Buffer.concat(parts);
  } else {
    const length = Number(headers.get('content-length') ?? rest.length);
    body = rest.subarray(0, length);
  }
  return { statuses, headers, body: body.toString('utf8'), raw: text };
}

/**
 * Sends `head` and then the body pieces over a fresh socket, stopping early once the
 * server starts answering (as a server may well do before the body is through), and
 * collects everything the server sends until it closes the connection. A reset after
 * the answer is fine: what was sent before it is kept.
 */
function exchange(port: number, head: string, pieces: Iterable<Buffer>): Promise<RawResponse> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(guard);
      socket.destroy();
      resolve(parseResponses(Buffer.concat(received)));
    };
    // Not a timing assertion: only keeps a server that never answers from hanging the run.
    const guard = setTimeout(finish, 30_000);
    socket.on('data', (data: Buffer) => received.push(data));
    socket.on('error', finish);
    socket.on('close', finish);
    const send = async (): Promise<void> => {
      const writable = (): boolean => !socket.destroyed && received.length === 0;
      const write = (data: Buffer | string): Promise<void> =>
        new Promise((done) => {
          if (socket.write(data)) done();
          else {
            const go = (): void => {
              socket.off('close', go);
              socket.off('drain', go);
              done();
            };
            socket.once('drain', go);
            socket.once('close', go);
          }
        });
      await write(head);
      for (const piece of pieces) {
        if (!writable()) break;
        await write(piece);
      }
      // The socket stays open for the answer, as a browser's or a proxy's does (Node's
      // server drops a request whose client half-closes before it is answered).
    };
    socket.on('connect', () => {
      send().catch(finish);
    });
  });
}

function headOf(port: number, headers: Record<string, string | number>): string {
  const lines = [
    'POST /api/v1/comments HTTP/1.1',
    `Host: 127.0.0.1:${port}`,
    `Origin: ${ORIGIN}`,
    'Content-Type: application/json',
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A valid comment for `thread`, padded with JSON whitespace to exactly `bytes`. */
function paddedComment(thread: string, bytes: number, overrides: Record<string, unknown> = {}) {
  const json = Buffer.from(JSON.stringify(guestComment({ thread, ...overrides })));
  assert.ok(json.length <= bytes, `a comment needs ${json.length} bytes`);
  return Buffer.concat([
    json.subarray(0, -1),
    Buffer.alloc(bytes - json.length, ' '),
    Buffer.from('}'),
  ]);
}

function* pieces(data: Buffer, size = CHUNK): Generator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

function* chunked(data: Buffer, size = CHUNK): Generator<Buffer> {
  for (const piece of pieces(data, size)) {
    yield Buffer.concat([
      Buffer.from(`${piece.length.toString(16)}\r\n`),
      piece,
      Buffer.from('\r\n'),
    ]);
  }
  yield Buffer.from('0\r\n\r\n');
}

describe('request bodies on a listening server (T30)', () => {
  let t: TestApp;
  let server: ServerType;
  let port: number;
  let maxBody: number;

  before(async () => {
    t = await makeTestApp();
    maxBody = t.deps.config.maxBodyBytes;
    const app = createApp(t.deps);
    port = await new Promise<number>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        resolve(info.port);
      });
    });
  });

  after(async () => {
    await new Promise<void>((resolve) => {
      if ('closeAllConnections' in server) server.closeAllConnections();
      server.close(() => {
        resolve();
      });
    });
    await t.close();
  });

  async function comments(thread: string): Promise<ThreadResponse['comments']> {
    const query = new URLSearchParams({ site: 'blog', thread });
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/threads?${query}`);
    assert.equal(response.status, 200);
    return ((await response.json()) as ThreadResponse).comments;
  }

  function assertProblem(response: RawResponse, status: number, code: string): Problem {
    assert.equal(response.statuses[0], status, response.raw.slice(0, 500));
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const problem = JSON.parse(response.body) as Problem;
    assert.equal(problem.code, code);
    assert.equal(problem.status, status);
    return problem;
  }

  it('refuses a 10 MB body declared by Content-Length with 413', async () => {
    const thread = '/limit/ten-mb-length/';
    const body = paddedComment(thread, TEN_MB);
    const response = await exchange(
      port,
      headOf(port, { 'Content-Length': body.length }),
      pieces(body),
    );
    assertProblem(response, 413, 'payload_too_large');
    assert.deepEqual(await comments(thread), []);
  });

  it('refuses a 10 MB chunked body with 413', async () => {
    const thread = '/limit/ten-mb-chunked/';
    const body = paddedComment(thread, TEN_MB);
    const response = await exchange(
      port,
      headOf(port, { 'Transfer-Encoding': 'chunked' }),
      chunked(body),
    );
    assertProblem(response, 413, 'payload_too_large');
    assert.deepEqual(await comments(thread), []);
  });

  it('refuses Content-Length together with Transfer-Encoding, never storing', async () => {
    const thread = '/limit/length-and-chunked/';
    const big = paddedComment(thread, TEN_MB);
    const large = await exchange(
      port,
      headOf(port, { 'Content-Length': big.length, 'Transfer-Encoding': 'chunked' }),
      chunked(big),
    );
    assert.ok(
      large.statuses[0] === 400 || large.statuses[0] === 413,
      `status ${large.statuses[0]}: ${large.raw.slice(0, 300)}`,
    );
    assert.ok(!large.statuses.includes(201));
    // A small, valid comment with a Content-Length that disagrees with its chunking.
    const small = paddedComment(thread, 1024);
    for (const length of [5, small.length, 100_000]) {
      const response = await exchange(
        port,
        headOf(port, { 'Content-Length': length, 'Transfer-Encoding': 'chunked' }),
        chunked(small),
      );
      assert.ok(
        response.statuses[0] === 400 || response.statuses[0] === 413,
        `Content-Length ${length}: ${response.raw.slice(0, 300)}`,
      );
      assert.ok(!response.statuses.includes(201), response.raw.slice(0, 300));
    }
    assert.deepEqual(await comments(thread), []);
  });

  it('never stores a comment sent past an understated Content-Length', async () => {
    const thread = '/limit/understated/';
    for (const body of [paddedComment(thread, 1024 * 1024), paddedComment(thread, 1024)]) {
      const response = await exchange(port, headOf(port, { 'Content-Length': 10 }), pieces(body));
      assert.ok(response.statuses.length > 0, 'the server answered');
      assert.ok(!response.statuses.includes(201), response.raw.slice(0, 300));
      assert.ok(!response.statuses.includes(202), response.raw.slice(0, 300));
      assert.ok(
        response.statuses.every((s) => s >= 400 && s < 500),
        response.statuses.join(),
      );
    }
    assert.deepEqual(await comments(thread), []);
  });

  it('refuses a body one byte over the limit with 413, declared or chunked', async () => {
    const thread = '/limit/one-over/';
    const body = paddedComment(thread, maxBody + 1);
    const declared = await exchange(
      port,
      headOf(port, { 'Content-Length': body.length }),
      pieces(body),
    );
    assertProblem(declared, 413, 'payload_too_large');
    const streamed = await exchange(
      port,
      headOf(port, { 'Transfer-Encoding': 'chunked' }),
      chunked(body, 1000),
    );
    assertProblem(streamed, 413, 'payload_too_large');
    assert.deepEqual(await comments(thread), []);
  });

  it('takes a body of exactly the limit, declared or chunked', async () => {
    const declaredThread = '/limit/exact-declared/';
    const body = paddedComment(declaredThread, maxBody);
    const declared = await exchange(
      port,
      headOf(port, { 'Content-Length': body.length }),
      pieces(body),
    );
    assert.equal(declared.statuses[0], 201, declared.raw.slice(0, 500));
    assert.equal((await comments(declaredThread)).length, 1);
    const chunkedThread = '/limit/exact-chunked/';
    const streamed = await exchange(
      port,
      headOf(port, { 'Transfer-Encoding': 'chunked' }),
      chunked(paddedComment(chunkedThread, maxBody), 1000),
    );
    assert.equal(streamed.statuses[0], 201, streamed.raw.slice(0, 500));
    assert.equal((await comments(chunkedThread)).length, 1);
  });

  it('stores a comment of 10,000 Cyrillic characters exactly', async () => {
    const thread = '/limit/cyrillic-10000/';
    const text = 'Съешь же ещё этих мягких французских булок, да выпей чаю. '
      .repeat(200)
      .slice(0, 10_000)
      .replace(/\s+$/, 'я');
    assert.equal(Array.from(text).length, 10_000);
    const body = Buffer.from(JSON.stringify(guestComment({ thread, body: text })));
    assert.ok(body.length > 18_000, `${body.length} bytes`);
    const response = await exchange(
      port,
      headOf(port, { 'Content-Length': body.length }),
      pieces(body),
    );
    assert.equal(response.statuses[0], 201, response.raw.slice(0, 500));
    const [stored] = await comments(thread);
    assert.equal(stored?.html, `<p>${text}</p>`);
    const rows = await t.deps.db
      .selectFrom('comments')
      .select('body_source')
      .where('id', '=', stored.id)
      .execute();
    assert.deepEqual(rows, [{ body_source: text }]);
  });

  it('stores Cyrillic exactly when chunks split its characters', async () => {
    const thread = '/limit/cyrillic-split/';
    const text = 'я'.repeat(10_000);
    const body = Buffer.from(JSON.stringify(guestComment({ thread, body: text })));
    const response = await exchange(
      port,
      headOf(port, { 'Transfer-Encoding': 'chunked' }),
      chunked(body, 999),
    );
    assert.equal(response.statuses[0], 201, response.raw.slice(0, 500));
    const [stored] = await comments(thread);
    assert.equal(stored?.html, `<p>${text}</p>`);
  });

  it('refuses 10,001 Cyrillic characters with 422 on body', async () => {
    const thread = '/limit/cyrillic-10001/';
    const body = Buffer.from(JSON.stringify(guestComment({ thread, body: 'я'.repeat(10_001) })));
    assert.ok(body.length < maxBody);
    const response = await exchange(
      port,
      headOf(port, { 'Content-Length': body.length }),
      pieces(body),
    );
    const problem = assertProblem(response, 422, 'validation_failed');
    assert.deepEqual(
      problem.errors?.map((e) => [e.field, e.code]),
      [['body', 'too_long']],
    );
    assert.deepEqual(await comments(thread), []);
  });

  it('still serves after all of this', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(response.status, 200);
    const rows = await t.deps.db
      .selectFrom('comments')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(rows.n, 4, 'only the four accepted comments are stored');
  });
});
