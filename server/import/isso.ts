/**
 * @module import/isso
 * Isso's generic JSON format: `[{ id: "/path/", title, comments: [{ id, author, email,
 * website, remote_addr, created, text, parent?, mode? }] }]`. Read whole (see json-file).
 * Comment ids restart per thread, so they are scoped by it. Titles are form-encoded.
 */
import { sqlDateAsUtc } from './dates.js';
import { isObject, readJson, str } from './json-file.js';
import { ImportFormatError, type ImportRecord, type ImportStatus } from './record.js';

function formDecode(text: string | null): string | null {
  if (text === null) return null;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

// isso's `mode`: 1 accepted, 2 waiting for moderation, 4 deleted.
const statusOf = (mode: unknown): ImportStatus =>
  mode === 2 ? 'pending' : mode === 4 ? 'deleted' : 'published';

export async function* parseIsso(
  input: AsyncIterable<Buffer | string>,
): AsyncGenerator<ImportRecord> {
  const data = await readJson(input);
  if (!Array.isArray(data) || !data.every(isObject)) {
    throw new ImportFormatError(
      'an isso export is a JSON list of threads ({ id, title, comments })',
    );
  }
  for (const thread of data) {
    const ref = str(thread, 'id');
    const comments = thread.comments;
    if (ref === null || !Array.isArray(comments)) {
      yield { type: 'skip', reason: 'thread without id or comments' };
      continue;
    }
    yield { type: 'thread', ref, url: ref, title: formDecode(str(thread, 'title')) };
    for (const c of comments) {
      if (!isObject(c) || str(c, 'id') === null) {
        yield { type: 'skip', reason: 'comment without id' };
        continue;
      }
      const parent = str(c, 'parent');
      yield {
        type: 'comment',
        sourceId: `${ref}#${str(c, 'id') ?? ''}`,
        threadRef: ref,
        parentSourceId: parent === null ? null : `${ref}#${parent}`,
        status: statusOf(c.mode),
        kind: 'comment',
        body: typeof c.text === 'string' ? c.text : '',
        bodyFormat: 'markdown',
        authorName: str(c, 'author'),
        authorEmail: str(c, 'email'),
        authorUrl: str(c, 'website'),
        ip: str(c, 'remote_addr'),
        createdAt: sqlDateAsUtc(str(c, 'created') ?? undefined),
      };
    }
  }
}
