import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Hono } from 'hono';
import { createApp } from '../../server/app.js';
import { buildRuntime } from '../../server/bootstrap.js';
import { loadConfig } from '../../server/config.js';
import type { CreateCommentResponse } from '../../server/contract.js';
import type { Deps } from '../../server/deps.js';
import type { AppEnv } from '../../server/env.js';
import { importFile } from '../../server/import/index.js';
import { exportConfab, exportWxr } from '../../server/services/data/export.js';
import { replaceSiteRole, upsertUser } from '../../server/store/users.js';
import { guestComment, json, makeTestApp, ORIGIN, type TestApp } from './helpers.js';
import { fixture, importInto, stored, type StoredComment } from './import-support.js';
import { skeleton } from '../../server/services/common/names.js';

async function exportText(deps: Deps, format: 'confab' | 'wxr'): Promise<string> {
  const chunks: string[] = [];
  await (format === 'confab' ? exportConfab : exportWxr)(deps, 'blog', (chunk) => {
    chunks.push(chunk);
    return Promise.resolve();
  });
  return chunks.join('');
}

/** A migrated database with no site at all, and the app over it. */
async function emptyServer(
  dir: string,
): Promise<{ app: Hono<AppEnv>; deps: Deps; close: () => Promise<void> }> {
  const { deps, database } = await buildRuntime(
    loadConfig({ CONFAB_DB: join(dir, 'empty.sqlite') }),
    {
      widget: undefined,
      logger: { info: () => undefined, error: () => undefined },
      now: () => new Date('2026-03-20T00:00:00.000Z'),
    },
  );
  return { app: createApp(deps), deps, close: () => database.close() };
}

describe('confab export', () => {
  let a: TestApp;
  let dir: string;
  let keys: string[];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'confab-export-'));
    a = await makeTestApp();
    await importInto(
      a,
      'wordpress',
      fixture('WordPress-wordpress-importer-theme-unit-test-data.xml'),
    );
    await importInto(a, 'disqus', fixture('isso-comments-isso-disqus.xml'));
    // New comments too: a thread with replies, a deleted comment with a reply, a pin,
    // a score, an edit, and a signed-in owner's comment.
    const post = async (body: string, parentId?: string): Promise<CreateCommentResponse> => {
      a.advance(1000);
      const res = await a.post(guestComment({ body, parentId, thread: '/new/' }));
      assert.equal(res.status, 201, await res.clone().text());
      return json<CreateCommentResponse>(res);
    };
    const top = await post('Top *comment*');
    const doomed = await post('Soon gone', top.comment.id);
    await post('Reply to the gone one', doomed.comment.id);
    const del = await a.request(`/api/v1/comments/${doomed.comment.id}`, {
      method: 'DELETE',
      headers: { 'Confab-Edit-Token': doomed.editToken ?? '' },
    });
    assert.equal(del.status, 200, await del.clone().text());
    const pinned = await post('Pinned and liked');
    const owner = await upsertUser(a.deps.db, {
      id: crypto.randomUUID(),
      provider: 'github',
      subject: '583231',
      name: 'The Owner',
      name_key: skeleton('The Owner'),
      avatar_url: 'https://avatars.example/1.png',
      profile_url: 'https://github.com/owner',
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
    await replaceSiteRole(a.deps.db, 'blog', {
      provider: 'github',
      subject: '583231',
      role: 'owner',
    });
    await a.deps.db
      .updateTable('comments')
      .set({ pinned: 1, score: 3, edited_at: '2026-03-14T12:30:00.000Z' })
      .where('id', '=', pinned.comment.id)
      .execute();
    await a.deps.db
      .updateTable('comments')
      .set({ user_id: owner.id, author_name: null, author_email: null })
      .where('id', '=', top.comment.id)
      .execute();
    keys = (await a.deps.db.selectFrom('threads').select('key').execute()).map((r) => r.key);
  });
  after(async () => {
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the versioned format with every column, emails and address hashes included', async () => {
    const data = JSON.parse(await exportText(a.deps, 'confab')) as {
      format: string;
      version: number;
      site: { id: string; origins: string };
      roles: unknown[];
      threads: unknown[];
      comments: { author: { email: string | null }; ipHash: string | null; user: unknown }[];
      users: { provider: string }[];
    };
    assert.equal(data.format, 'confab-export');
    assert.equal(data.version, 1);
    assert.equal(data.site.id, 'blog');
    assert.deepEqual(JSON.parse(data.site.origins), [ORIGIN]);
    assert.deepEqual(data.roles, [{ provider: 'github', subject: '583231', role: 'owner' }]);
    assert.equal(data.threads.length, keys.length);
    assert.equal(data.comments.length, (await stored(a)).length);
    assert.ok(data.comments.some((c) => c.author.email === 'alice@example.com'));
    assert.ok(data.comments.some((c) => c.ipHash !== null));
    assert.deepEqual(
      data.users.map((u) => u.provider),
      ['github'],
    );
  });

  it('round-trips through import confab into an empty database: every public thread byte for byte', async () => {
    const file = join(dir, 'export.json');
    writeFileSync(file, await exportText(a.deps, 'confab'));
    const b = await emptyServer(dir);
    try {
      const summary = await importFile(b.deps, file, { site: 'blog', format: 'confab' });
      assert.equal(summary.siteCreated, true);
      assert.equal(summary.orphans, 0);
      const get = async (app: Hono<AppEnv>, path: string): Promise<string> => {
        const res = await app.request(path, { headers: { Origin: ORIGIN } });
        return `${res.status} ${await res.text()}`;
      };
      assert.ok(keys.length >= 10);
      for (const key of keys) {
        for (const sort of ['oldest', 'newest', 'top']) {
          const path = `/api/v1/threads?site=blog&thread=${encodeURIComponent(key)}&sort=${sort}`;
          assert.equal(await get(b.app, path), await get(a.app, path), path);
        }
      }
      // And the restored database exports the same again (but for the export's own date
      // and the memory that it came from this export).
      const strip = (text: string): unknown => {
        const data = JSON.parse(text) as {
          exportedAt?: string;
          comments: { imported: { format: string }[] }[];
        };
        delete data.exportedAt;
        for (const c of data.comments) c.imported = c.imported.filter((s) => s.format !== 'confab');
        return data;
      };
      assert.deepEqual(
        strip(await exportText(b.deps, 'confab')),
        strip(await exportText(a.deps, 'confab')),
      );
      // A second import of the same export changes nothing.
      const again = await importFile(b.deps, file, { site: 'blog', format: 'confab' });
      assert.deepEqual(again.comments, {});
    } finally {
      await b.close();
    }
  });

  it('refuses an export whose site the server could not read, writing nothing', async () => {
    const data = JSON.parse(await exportText(a.deps, 'confab')) as {
      site: Record<string, unknown>;
    };
    const own = mkdtempSync(join(tmpdir(), 'confab-bad-site-'));
    const b = await emptyServer(own);
    try {
      for (const bad of [
        { origins: 'not json' },
        { origins: '["javascript:alert(1)"]' },
        { rate_limit: -5 },
        { moderation: 'whatever' },
      ]) {
        const file = join(own, 'bad-site.json');
        writeFileSync(file, JSON.stringify({ ...data, site: { ...data.site, ...bad } }));
        await assert.rejects(
          importFile(b.deps, file, { site: 'blog', format: 'confab' }),
          /site is not valid/,
          JSON.stringify(bad),
        );
        const sites = await b.deps.db.selectFrom('sites').select('id').execute();
        assert.deepEqual(sites, []);
      }
    } finally {
      await b.close();
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('writes WXR 1.2 that the WordPress importer reads back with the same threads, statuses and parents', async () => {
    const text = await exportText(a.deps, 'wxr');
    assert.match(text, /<wp:wxr_version>1\.2<\/wp:wxr_version>/);
    assert.doesNotMatch(
      text,
      /comment_author_IP><!\[CDATA\[[^\]]/,
      'no addresses: we only have hashes',
    );
    const c = await makeTestApp();
    try {
      const file = join(dir, 'export.xml');
      writeFileSync(file, text);
      const summary = await importInto(c, 'wordpress', file);
      assert.equal(summary.orphans, 0);
      const shape = (rows: StoredComment[]): string[] => {
        const byId = new Map(rows.map((r) => [r.id, r]));
        return rows
          .map((r) => {
            const parent = r.parent_id === null ? undefined : byId.get(r.parent_id);
            // Deleted placeholders travel as WordPress's trash, which comes back as spam.
            const status = r.status === 'deleted' ? 'spam' : r.status;
            return `${r.key} ${r.created_at} ${status} d${r.depth} <- ${parent?.created_at ?? '-'}`;
          })
          .sort();
      };
      assert.deepEqual(shape(await stored(c)), shape(await stored(a)));
    } finally {
      await c.close();
    }
  });
});
