/**
 * @module import/confab
 * Confab's own export (docs/export-format.md), read back losslessly: same ids where they
 * are free, statuses, pins, scores, dates, authors, address hashes, account references.
 * Read whole (see json-file). The stored HTML is not trusted: the writer renders the
 * Markdown source again, which gives the same HTML for an export of the same version.
 */
import { EXPORT_FORMAT, EXPORT_VERSION } from '../services/data/export.js';
import { isObject, readJson, str, type Json } from './json-file.js';
import {
  ImportFormatError,
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
}
