/**
 * @module import/confab
 * Confab's own export (docs/export-format.md), read back losslessly: same ids where they
 * are free, statuses, pins, votes (each reader's, and the counts), likes, dates, authors,
 * address hashes, account references.
 * Read whole (see json-file). The stored HTML is not trusted: the writer renders the
 * Markdown source again, which gives the same HTML for an export of the same version.
 */
import { EXPORT_FORMAT, EXPORT_VERSION } from '../services/data/export.js';
import { isObject, readJson, str, type Json } from './json-file.js';
import {
  ImportFormatError,
  type ImportReader,
  type ImportRecord,
  type ImportStatus,
  type ImportUser,
} from './record.js';

const text = (o: Json, key: string): string | null => (typeof o[key] === 'string' ? o[key] : null);
const num = (o: Json, key: string): number => (typeof o[key] === 'number' ? o[key] : 0);

function userOf(raw: Json | undefined): ImportUser | null {
  if (raw === undefined) return null;
  const id = text(raw, 'id');
  const provider = text(raw, 'provider');
  const subject = text(raw, 'subject');
  if (id === null || provider === null || subject === null) return null;
  return {
    id,
    provider,
    subject,
    name: text(raw, 'name') ?? subject,
    avatarUrl: text(raw, 'avatarUrl'),
    profileUrl: text(raw, 'profileUrl'),
    createdAt: text(raw, 'createdAt') ?? new Date(0).toISOString(),
    updatedAt: text(raw, 'updatedAt') ?? new Date(0).toISOString(),
  };
}

/** A vote's or like's reader: an account of the file's `users`, or a guest's hashed key. */
function readerOf(raw: Json, users: ReadonlyMap<string, Json>): ImportReader | null {
  const userId = text(raw, 'userId');
  if (userId !== null) {
    const user = userOf(users.get(userId));
    return user === null ? null : { user, voter: null, clientHash: null };
  }
  const voter = text(raw, 'voter');
  if (voter === null || !/^guest:[0-9a-f]{64}$/.test(voter)) return null;
  return { user: null, voter, clientHash: text(raw, 'clientHash') };
}

export async function* parseConfab(
  input: AsyncIterable<Buffer | string>,
): AsyncGenerator<ImportRecord> {
  const data = await readJson(input);
  if (!isObject(data) || data.format !== EXPORT_FORMAT) {
    throw new ImportFormatError(`not a Confab export (no "format": "${EXPORT_FORMAT}")`);
  }
  if (data.version !== EXPORT_VERSION) {
    throw new ImportFormatError(
      `Confab export version ${JSON.stringify(data.version ?? null)} is not supported (${EXPORT_VERSION} is)`,
    );
  }
  const list = (key: string): Json[] => {
    const value = data[key];
    return Array.isArray(value) ? value.filter(isObject) : [];
  };
  if (isObject(data.site)) {
    const roles = list('roles').flatMap((r) => {
      const provider = text(r, 'provider');
      const subject = text(r, 'subject');
      const role = text(r, 'role');
      return provider === null || subject === null || role === null
        ? []
        : [{ provider, subject, role }];
    });
    yield { type: 'site', settings: data.site, roles };
  }
  const users = new Map<string, Json>();
  for (const u of list('users')) users.set(text(u, 'id') ?? '', u);
  for (const t of list('threads')) {
    const ref = str(t, 'id');
    const key = text(t, 'key');
    if (ref === null || key === null) {
      yield { type: 'skip', reason: 'thread without id or key' };
      continue;
    }
    yield {
      type: 'thread',
      ref,
      key,
      url: text(t, 'url'),
      title: text(t, 'title'),
      locked: t.locked === true,
      createdAt: text(t, 'createdAt') ?? undefined,
    };
  }
  for (const c of list('comments')) {
    const id = text(c, 'id');
    const threadRef = text(c, 'threadId');
    if (id === null || threadRef === null) {
      yield { type: 'skip', reason: 'comment without id or threadId' };
      continue;
    }
    const author = isObject(c.author) ? c.author : {};
    const userRef = isObject(c.user) ? text(c.user, 'id') : null;
    const user = userRef === null ? undefined : (users.get(userRef) ?? (c.user as Json));
    yield {
      type: 'comment',
      sourceId: id,
      threadRef,
      parentSourceId: text(c, 'parentId'),
      status: (text(c, 'status') ?? 'pending') as ImportStatus,
      kind: 'comment',
      body: '',
      bodyFormat: 'markdown',
      authorName: text(author, 'name'),
      authorEmail: text(author, 'email'),
      authorUrl: text(author, 'url'),
      ip: null,
      createdAt: text(c, 'createdAt'),
      confab: {
        id,
        bodySource: text(c, 'bodySource') ?? '',
        bodyHtml: text(c, 'bodyHtml') ?? '',
        renderVersion: num(c, 'renderVersion'),
        ipHash: text(c, 'ipHash'),
        score: num(c, 'score'),
        // An export from before votes has the score alone: it stands as that many votes.
        upvotes: typeof c.upvotes === 'number' ? c.upvotes : Math.max(0, num(c, 'score')),
        downvotes: typeof c.downvotes === 'number' ? c.downvotes : Math.max(0, -num(c, 'score')),
        pinned: c.pinned === true,
        editedAt: text(c, 'editedAt'),
        deletedAt: text(c, 'deletedAt'),
        heldReason: text(c, 'heldReason'),
        spamCheck: text(c, 'spamCheck'),
        emailHash: text(c, 'emailHash'),
        user: userOf(user),
        sources: (Array.isArray(c.imported) ? c.imported : []).flatMap((s) => {
          const format = isObject(s) ? text(s, 'format') : null;
          const sourceId = isObject(s) ? text(s, 'sourceId') : null;
          const kind = isObject(s) ? (text(s, 'kind') ?? 'comment') : 'comment';
          return format === null || sourceId === null || format === 'confab'
            ? []
            : [{ format, sourceId, kind }];
        }),
      },
    };
  }
  for (const v of list('votes')) {
    const reader = readerOf(v, users);
    const commentSourceId = text(v, 'commentId');
    const value = v.value;
    if (reader === null || commentSourceId === null || (value !== 1 && value !== -1)) {
      yield { type: 'skip', reason: 'vote without its comment, reader or value' };
      continue;
    }
    const createdAt = text(v, 'createdAt') ?? new Date(0).toISOString();
    yield {
      type: 'vote',
      commentSourceId,
      value,
      createdAt,
      updatedAt: text(v, 'updatedAt') ?? createdAt,
      ...reader,
    };
  }
  for (const l of list('likes')) {
    const reader = readerOf(l, users);
    const threadRef = text(l, 'threadId');
    if (reader === null || threadRef === null) {
      yield { type: 'skip', reason: 'like without its thread or reader' };
      continue;
    }
    yield {
      type: 'like',
      threadRef,
      createdAt: text(l, 'createdAt') ?? new Date(0).toISOString(),
      ...reader,
    };
  }
}
