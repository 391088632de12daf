/**
 * @module import/commento
 * Commento's JSON export (`{ version: 1, comments, commenters }`). Read whole (see
 * json-file). Bodies are Markdown; `parentHex: "root"` is top level; commenters are looked
 * up by hex (`anonymous` is not listed); the literal string "undefined" means empty.
 */
import { isoDate } from './dates.js';
import { isObject, readJson, str, type Json } from './json-file.js';
import { ImportFormatError, type ImportRecord, type ImportStatus } from './record.js';

const value = (object: Json | undefined, key: string): string | null => {
  if (object === undefined) return null;
  const text = str(object, key);
  return text === 'undefined' ? null : text;
};

function statusOf(comment: Json): ImportStatus {
  if (comment.deleted === true) return 'deleted';
  switch (str(comment, 'state')) {
    case 'unapproved':
      return 'pending';
    case 'flagged':
      return 'spam';
    default:
      return 'published';
  }
}

export async function* parseCommento(
  input: AsyncIterable<Buffer | string>,
): AsyncGenerator<ImportRecord> {
  const data = await readJson(input);
  if (!isObject(data) || !Array.isArray(data.comments)) {
    throw new ImportFormatError('a Commento export is a JSON object with "comments"');
  }
  if (data.version !== 1) {
    throw new ImportFormatError(
      `Commento export version ${String(data.version)} is not supported (1 is)`,
    );
  }
  const commenters = new Map<string, Json>();
  for (const c of Array.isArray(data.commenters) ? data.commenters : []) {
    if (isObject(c) && str(c, 'commenterHex') !== null)
      commenters.set(str(c, 'commenterHex') ?? '', c);
  }
  const threads = new Set<string>();
  for (const c of data.comments) {
    const id = isObject(c) ? str(c, 'commentHex') : null;
    const path = isObject(c) ? str(c, 'url') : null;
    if (!isObject(c) || id === null || path === null) {
      yield { type: 'skip', reason: 'comment without commentHex or url' };
      continue;
    }
    const domain = str(c, 'domain');
    const ref = `${domain ?? ''}${path}`;
    if (!threads.has(ref)) {
      threads.add(ref);
      const url =
        domain === null ? path : `https://${domain}${path.startsWith('/') ? '' : '/'}${path}`;
      yield { type: 'thread', ref, url, title: null };
    }
    const parent = str(c, 'parentHex');
    const commenter = commenters.get(str(c, 'commenterHex') ?? '');
    const markdown = typeof c.markdown === 'string' ? c.markdown : '';
    const html = typeof c.html === 'string' ? c.html : '';
    yield {
      type: 'comment',
      sourceId: id,
      threadRef: ref,
      parentSourceId: parent === null || parent === 'root' ? null : parent,
      status: statusOf(c),
      kind: 'comment',
      body: markdown !== '' || html === '' ? markdown : html,
      bodyFormat: markdown !== '' || html === '' ? 'markdown' : 'html',
      authorName: value(commenter, 'name') ?? 'Anonymous',
      authorEmail: value(commenter, 'email'),
      authorUrl: value(commenter, 'link'),
      ip: null,
      createdAt: isoDate(str(c, 'creationDate') ?? undefined),
    };
  }
}
