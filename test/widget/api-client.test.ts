import { assert, expect } from '@open-wc/testing';
import { ApiClient } from '../../widget/api/client.js';
import { ApiError, NetworkError } from '../../widget/api/errors.js';
import { deleteComment, updateComment } from '../../widget/api/own.js';
import { fakeFetch, json, networkDown, problem, threadResponse } from './helpers.js';

/** What `promise` rejected with; undefined if it resolved. */
const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (x: unknown) => x,
  );

describe('ApiClient', () => {
  it('builds thread URLs under the base, adding a missing slash', async () => {
    const f = fakeFetch(() => json(threadResponse([])));
    await new ApiClient('https://c.example/confab', f).thread({
      site: 's',
      thread: '/a b/',
      sort: 'top',
      cursor: 'x',
    });
    const { url, method } = f.calls[0]!;
    expect(method).to.equal('GET');
    expect(url.pathname).to.equal('/confab/api/v1/threads');
    expect([...url.searchParams]).to.deep.equal([
      ['site', 's'],
      ['thread', '/a b/'],
      ['sort', 'top'],
      ['cursor', 'x'],
    ]);
  });

  it('asks for several counts with repeated thread params', async () => {
    const f = fakeFetch(() => json({ counts: { '/a/': 1, '/b/': 0 } }));
    const r = await new ApiClient('https://c.example/', f).counts('s', ['/a/', '/b/']);
    expect(r.counts['/a/']).to.equal(1);
    expect(f.calls[0]!.url.searchParams.getAll('thread')).to.deep.equal(['/a/', '/b/']);
  });

  it('sends the edit token in Confab-Edit-Token', async () => {
    const f = fakeFetch(() => json({ comment: null }));
    await deleteComment(new ApiClient('https://c.example/', f), 'id/1', 'tok');
    expect(f.calls[0]!.method).to.equal('DELETE');
    expect(f.calls[0]!.url.pathname).to.equal('/api/v1/comments/id%2F1');
    expect(f.calls[0]!.headers.get('Confab-Edit-Token')).to.equal('tok');
  });

  it('sends the session as a bearer token on reads and writes', async () => {
    const f = fakeFetch(() => json({}));
    const api = new ApiClient('https://c.example/', f);
    api.token = 'sess';
    await api.thread({ site: 's', thread: '/a/', sort: 'oldest' });
    await api.preview({ site: 's', body: 'x' });
    await updateComment(api, 'c1', undefined, 'x');
    await deleteComment(api, 'c2', 'guest-tok');
    const [read, preview, update, remove] = f.calls;
    // Signed in, a thread has the reader's own held comments (and staff see everyone's).
    expect(read!.headers.get('Authorization')).to.equal('Bearer sess');
    expect(preview!.headers.get('Authorization')).to.equal('Bearer sess');
    expect(update!.headers.get('Authorization')).to.equal('Bearer sess');
    // A comment posted signed in has no edit token: none is sent.
    expect(update!.headers.get('Confab-Edit-Token')).to.equal(null);
    expect(remove!.headers.get('Confab-Edit-Token')).to.equal('guest-tok');
    api.token = undefined;
    await api.preview({ site: 's', body: 'x' });
    await api.thread({ site: 's', thread: '/a/', sort: 'oldest' });
    expect(f.calls[4]!.headers.get('Authorization')).to.equal(null);
    expect(f.calls[5]!.headers.get('Authorization')).to.equal(null);
  });

  it('throws ApiError with the problem and its code', async () => {
    const errors = [{ field: 'body', code: 'required', message: 'x' }];
    const f = fakeFetch(() => problem(422, 'validation_failed', { errors }));
    const e = await rejection(
      new ApiClient('https://c.example/', f).preview({ site: 's', body: '' }),
    );
    assert.instanceOf(e, ApiError);
    expect(e.status).to.equal(422);
    expect(e.code).to.equal('validation_failed');
    expect(e.problem.errors).to.deep.equal(errors);
  });

  it('reads Retry-After when the problem has no retryAfter', async () => {
    const f = fakeFetch(() => problem(429, 'rate_limited', {}, { 'Retry-After': '12' }));
    const e = await rejection(
      new ApiClient('https://c.example/', f).preview({ site: 's', body: 'x' }),
    );
    assert.instanceOf(e, ApiError);
    expect(e.problem.retryAfter).to.equal(12);
  });

  it('makes an ApiError of a non-JSON error', async () => {
    const f = fakeFetch(() => new Response('Bad gateway', { status: 502 }));
    const e = await rejection(new ApiClient('https://c.example/', f).counts('s', []));
    assert.instanceOf(e, ApiError);
    expect(e.code).to.equal('internal_error');
  });

  it('throws NetworkError with the cause when fetch fails', async () => {
    const e = await rejection(
      new ApiClient('https://c.example/', fakeFetch(networkDown)).counts('s', []),
    );
    assert.instanceOf(e, NetworkError);
    expect(e.cause).to.be.instanceOf(TypeError);
  });

  it('calls fetch unbound, as the browser fetch requires', async () => {
    const receivers: unknown[] = [];
    const f = function (this: unknown) {
      receivers.push(this);
      return Promise.resolve(json({ counts: {} }));
    };
    await new ApiClient('https://c.example/', f).counts('s', []);
    expect(receivers).to.deep.equal([undefined]);
  });
});
