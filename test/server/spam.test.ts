import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { solveChallenge } from 'altcha-lib/v1';
import type { GuardResponse, ModQueueResponse, ThreadResponse } from '../../server/contract.js';
import { makeTestApp, type TestApp } from './helpers.js';
import { signedIn } from './support/accounts.js';
import { startAkismet, type AkismetStandIn } from './support/akismet-standin.js';

const guest = (body: string, extra: Record<string, unknown> = {}) => ({
  site: 'blog',
  thread: '/post/',
  body,
  author: { name: 'Guest' },
  ...extra,
});

async function code(response: Response): Promise<[number, string]> {
  const text = await response.text();
  const parsed = text === '' ? {} : (JSON.parse(text) as { code?: string });
  return [response.status, parsed.code ?? ''];
}

async function guard(t: TestApp, site = 'blog'): Promise<GuardResponse> {
  const res = await t.request(`/api/v1/guard?site=${site}`);
  assert.equal(res.status, 200);
  return (await res.json()) as GuardResponse;
}

async function solve(challenge: NonNullable<GuardResponse['proofOfWork']>): Promise<string> {
  const solution = await solveChallenge(
    challenge.challenge,
    challenge.salt,
    challenge.algorithm,
    challenge.maxnumber,
  ).promise;
  assert.ok(solution);
  return Buffer.from(
    JSON.stringify({
      algorithm: challenge.algorithm,
      challenge: challenge.challenge,
      number: solution.number,
      salt: challenge.salt,
      signature: challenge.signature,
    }),
  ).toString('base64');
}

describe('spam: the guard (fill time, proof of work, honeypot)', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ site: { minFillSeconds: 3, proofOfWork: 2000 } });
  });
  after(() => t.close());

  it('refuses a guest without a form token, with a pointer to the guard', async () => {
    assert.deepEqual(await code(await t.post(guest('No token at all'))), [
      400,
      'challenge_required',
    ]);
  });

  it('refuses a form sent faster than a person writes, then takes it', async () => {
    const g = await guard(t);
    assert.equal(g.minFillSeconds, 3);
    const pow = await solve(g.proofOfWork ?? assert.fail('no challenge'));
    const body = guest('Written in a hurry', { formToken: g.formToken, proofOfWork: pow });
    const early = await t.post(body);
    assert.equal(early.status, 422);
    assert.equal(early.headers.get('Retry-After'), '3');
    assert.equal(((await early.json()) as { code: string }).code, 'too_fast');
    t.advance(3000);
    assert.equal((await t.post(body)).status, 201);
    // The same token and solution again: a replay.
    assert.deepEqual(
      await code(
        await t.post(guest('Written again', { formToken: g.formToken, proofOfWork: pow })),
      ),
      [400, 'challenge_failed'],
    );
  });

  it('refuses a forged token, a wrong solution, and a solution for another site', async () => {
    const g = await guard(t);
    t.advance(3000);
    const [, nonce, mac] = g.formToken.split('.');
    const forged = `${String(Date.now())}.${nonce ?? ''}.${mac ?? ''}`;
    assert.deepEqual(
      await code(await t.post(guest('Forged', { formToken: forged, proofOfWork: 'x' }))),
      [400, 'challenge_failed'],
    );
    const wrong = Buffer.from(
      JSON.stringify({ ...g.proofOfWork, number: -1, algorithm: 'SHA-256' }),
    ).toString('base64');
    assert.deepEqual(
      await code(
        await t.post(guest('Wrong number', { formToken: g.formToken, proofOfWork: wrong })),
      ),
      [400, 'challenge_failed'],
    );
    assert.deepEqual(await code(await t.post(guest('No solution', { formToken: g.formToken }))), [
      400,
      'challenge_required',
    ]);
  });

  it('refuses a filled honeypot, and a refused post does not use up the guard', async () => {
    const g = await guard(t);
    const pow = await solve(g.proofOfWork ?? assert.fail('no challenge'));
    t.advance(3000);
    const base = { formToken: g.formToken, proofOfWork: pow };
    assert.deepEqual(
      await code(await t.post(guest('I am a bot', { ...base, trap: 'http://spam.example' }))),
      [422, 'spam_suspected'],
    );
    assert.equal((await t.post(guest('I am a person', base))).status, 201);
  });

  it('does not ask signed-in readers for the guard', async () => {
    const reader = await signedIn(t);
    const res = await t.post(
      { site: 'blog', thread: '/post/', body: 'Signed in, no guard' },
      { headers: reader.auth },
    );
    assert.equal(res.status, 201);
  });
});

describe('spam: rate limits per client, account and thread', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ site: { rateLimit: 3, threadRateLimit: 5 } });
    const { addSite } = await import('../../server/services/sites/sites.js');
    await addSite(t.deps, 'other', {
      origins: ['https://other.example'],
      rateLimit: 3,
      minFillSeconds: 0,
    });
  });
  after(() => t.close());

  it('stops a flood from one client at the limit; other clients and sites go on', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (
          await t.post(guest(`Flood message number ${String(i)} with some words`), {
            ip: '192.0.2.1',
          })
        ).status,
      );
    }
    assert.deepEqual(statuses, [201, 201, 201, 429, 429, 429]);
    assert.equal(
      (await t.post(guest('A different reader entirely'), { ip: '192.0.2.2' })).status,
      201,
    );
    const other = await t.post(
      { ...guest('Same client, another blog'), site: 'other' },
      { ip: '192.0.2.1', origin: 'https://other.example' },
    );
    assert.equal(other.status, 201);
  });

  it('limits one thread for everyone together, leaving other threads alone', async () => {
    t.advance(60_000);
    const words = ['Apples', 'Bananas', 'Cherries', 'Dates', 'Elderberries', 'Figs', 'Grapes'];
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await t.post(guest(words[i] ?? '', { thread: '/hot/' }), {
        ip: `198.51.100.${String(i + 10)}`,
      });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 201, 201, 429, 429]);
    assert.equal(
      (await t.post(guest('A calm thread', { thread: '/calm/' }), { ip: '198.51.100.99' })).status,
      201,
    );
  });

  it('limits an account whatever address it posts from', async () => {
    t.advance(60_000);
    const reader = await signedIn(t);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await t.post(
        {
          site: 'blog',
          thread: `/a${String(i)}/`,
          body: `Account post ${String(i)} about gardens`,
        },
        { headers: reader.auth, ip: `203.0.113.${String(i + 1)}` },
      );
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 429]);
  });
});

describe('spam: duplicates and rules that hold', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({
      site: { maxLinks: 1, blocklist: ['Casino', 'free money'], newAccountHours: 24 },
    });
  });
  after(() => t.close());

  it('refuses the same comment twice, and nearly the same', async () => {
    const text = 'I planted tomatoes this year and they did very well in the sun.';
    assert.equal((await t.post(guest(text), { ip: '192.0.2.10' })).status, 201);
    assert.deepEqual(await code(await t.post(guest(text), { ip: '192.0.2.10' })), [
      409,
      'duplicate_comment',
    ]);
    const near = 'I planted tomatoes this year, and they did very well in the sun!!';
    assert.deepEqual(
      await code(await t.post(guest(near, { thread: '/elsewhere/' }), { ip: '192.0.2.10' })),
      [409, 'duplicate_comment'],
    );
    // A bot rotating addresses in the same thread is refused too; short replies are not.
    assert.deepEqual(await code(await t.post(guest(text), { ip: '192.0.2.11' })), [
      409,
      'duplicate_comment',
    ]);
    assert.equal((await t.post(guest('Thanks!'), { ip: '192.0.2.12' })).status, 201);
    assert.equal((await t.post(guest('Thanks!'), { ip: '192.0.2.13' })).status, 201);
    assert.equal(
      (await t.post(guest('Thanks!', { thread: '/b/' }), { ip: '192.0.2.12' })).status,
      201,
    );
  });

  it('holds a comment with too many links, a blocklisted word, or from a new account', async () => {
    const held = async (res: Response): Promise<string> => {
      assert.equal(res.status, 202, await res.clone().text());
      return ((await res.json()) as { comment: { id: string } }).comment.id;
    };
    await held(
      await t.post(guest('See https://a.example and https://b.example'), { ip: '192.0.2.20' }),
    );
    await held(await t.post(guest('Visit my CASINO today'), { ip: '192.0.2.21' }));
    await held(await t.post(guest('Get FREE   money now'), { ip: '192.0.2.22' }));
    // Whole words only: "casinos" is not "casino"... but "occasion" never matches.
    assert.equal(
      (await t.post(guest('On this occasion I agree'), { ip: '192.0.2.23' })).status,
      201,
    );
    const fresh = await signedIn(t, { name: 'Newcomer' });
    await held(
      await t.post(
        { site: 'blog', thread: '/post/', body: 'Hello from a new account' },
        { headers: fresh.auth },
      ),
    );
    const old = await signedIn(t, {
      name: 'Old timer',
      createdAt: new Date(t.deps.now().getTime() - 48 * 3_600_000).toISOString(),
    });
    assert.equal(
      (
        await t.post(
          { site: 'blog', thread: '/post/', body: 'Hello from an old account' },
          { headers: old.auth },
        )
      ).status,
      201,
    );
    const owner = await signedIn(t, { name: 'Owner', role: 'owner' });
    const queue = (await (
      await t.request('/api/v1/moderation/comments?site=blog', { headers: owner.auth })
    ).json()) as ModQueueResponse;
    assert.deepEqual(queue.comments.map((c) => c.heldReason).sort(), [
      'blocklist',
      'blocklist',
      'links',
      'new_account',
    ]);
  });
});

describe('spam: Akismet, after the comment is saved', () => {
  let akismet: AkismetStandIn;
  let t: TestApp;
  before(async () => {
    akismet = await startAkismet('test-key');
    t = await makeTestApp({
      env: { CONFAB_AKISMET_KEY: 'test-key', CONFAB_AKISMET_URL: akismet.url },
    });
  });
  after(async () => {
    await t.close();
    await akismet.close();
  });

  it('moves a comment Akismet calls spam out of the thread, and leaves ham alone', async () => {
    const spam = await t.post(
      guest('Great post, visit my site', { author: { name: 'akismet-guaranteed-spam' } }),
      { headers: { 'User-Agent': 'SpamBot/1.0' } },
    );
    assert.equal(spam.status, 201);
    const ham = await t.post(guest('A thoughtful reply about compost'), { ip: '192.0.2.44' });
    assert.equal(ham.status, 201);
    await t.deps.spam.idle();
    const thread = (await (
      await t.request('/api/v1/threads?site=blog&thread=/post/')
    ).json()) as ThreadResponse;
    assert.deepEqual(
      thread.comments.map((c) => c.author?.name),
      ['Guest'],
    );
    const sent = akismet.requests.find(
      (r) => r.get('comment_author') === 'akismet-guaranteed-spam',
    );
    assert.ok(sent);
    assert.equal(sent.get('user_agent'), 'SpamBot/1.0');
    assert.equal(sent.get('blog'), 'https://blog.example');
    const owner = await signedIn(t, { name: 'Owner', role: 'owner' });
    const queue = (await (
      await t.request('/api/v1/moderation/comments?site=blog&status=all', { headers: owner.auth })
    ).json()) as ModQueueResponse;
    assert.deepEqual(queue.comments.map((c) => [c.status, c.spamCheck]).sort(), [
      ['published', 'ham'],
      ['spam', 'spam'],
    ]);
    const audit = (await (
      await t.request('/api/v1/moderation/audit?site=blog', { headers: owner.auth })
    ).json()) as { entries: { actor: string; action: string }[] };
    assert.deepEqual(audit.entries[0], {
      ...audit.entries[0],
      actor: 'system:akismet',
      action: 'spam',
    });
  });

  it('keeps the comment when Akismet cannot be asked (wrong key), marked error', async () => {
    const t2 = await makeTestApp({
      env: { CONFAB_AKISMET_KEY: 'wrong-key', CONFAB_AKISMET_URL: akismet.url },
    });
    try {
      assert.equal((await t2.post(guest('Checked with a wrong key'))).status, 201);
      await t2.deps.spam.idle();
      const owner = await signedIn(t2, { name: 'Owner', role: 'owner' });
      const queue = (await (
        await t2.request('/api/v1/moderation/comments?site=blog&status=published', {
          headers: owner.auth,
        })
      ).json()) as ModQueueResponse;
      assert.equal(queue.comments[0]?.spamCheck, 'error');
    } finally {
      await t2.close();
    }
  });
});

describe('spam: housekeeping', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ site: { minFillSeconds: 3 } });
  });
  after(() => t.close());

  it('purges spam after 30 days, nothing else, and forgets spent guard keys', async () => {
    let owner = await signedIn(t, { name: 'Owner', role: 'owner' });
    const posted = async (body: string, ip: string): Promise<string> => {
      const g = await guard(t);
      t.advance(3000);
      const res = await t.post(guest(body, { formToken: g.formToken }), { ip });
      assert.equal(res.status, 201, await res.clone().text());
      return ((await res.json()) as { comment: { id: string } }).comment.id;
    };
    const spam = await posted('Spam that will be purged', '192.0.2.201');
    const kept = await posted('A comment that stays', '192.0.2.202');
    const act = async (action: string, id: string): Promise<void> => {
      const res = await t.request('/api/v1/moderation/actions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...owner.auth },
        body: JSON.stringify({ site: 'blog', action, ids: [id] }),
      });
      assert.equal(res.status, 200);
    };
    await act('spam', spam);
    const { housekeeping } = await import('../../server/services/data/housekeeping.js');
    assert.deepEqual(await housekeeping(t.deps), { spamPurged: 0 });
    t.advance(31 * 86_400_000);
    assert.deepEqual(await housekeeping(t.deps), { spamPurged: 1 });
    owner = await signedIn(t, { name: 'Owner again', role: 'owner' });
    const queue = (await (
      await t.request('/api/v1/moderation/comments?site=blog&status=all', { headers: owner.auth })
    ).json()) as ModQueueResponse;
    assert.deepEqual(
      queue.comments.map((c) => c.id),
      [kept],
    );
    const keys = await t.deps.db.selectFrom('pow_replays').selectAll().execute();
    assert.equal(keys.length, 0);
  });
});
