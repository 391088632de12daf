/**
 * @module import/remark42
 * Remark42's backup ("native") format, JSON lines, read line by line: the first line is
 * metadata (`{ version: 1, users, posts }`), then one comment per line. Bodies are HTML.
 * Remark42 stores addresses already hashed with its own secret, so they cannot become our
 * hash and are dropped.
 */
import { isoDate } from './dates.js';
import { isObject, jsonProblem, lines, str, type Json } from './json-file.js';
import { ImportFormatError, type ImportRecord } from './record.js';

export async function* parseRemark42(
  input: AsyncIterable<Buffer | string>,
): AsyncGenerator<ImportRecord> {
  let lineNo = 0;
  let meta: Json | undefined;
  const threads = new Set<string>();
  for await (const line of lines(input)) {
    lineNo += 1;
    const text = line.trim();
    if (text === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (error) {
      throw new ImportFormatError(
        jsonProblem(text, error, lineNo - 1).replace(/^line \d+: /, ''),
        lineNo,
      );
    }
    if (!isObject(value)) throw new ImportFormatError('each line is a JSON object', lineNo);
    if (meta === undefined) {
      meta = value;
      if (value.version !== 1) {
        throw new ImportFormatError(
          `the first line is remark42's metadata with version 1 (found ${JSON.stringify(value.version ?? null)})`,
          lineNo,
        );
      }
      continue;
    }
    const id = str(value, 'id');
    const locator = isObject(value.locator) ? value.locator : {};
    const url = str(locator, 'url');
    if (id === null || url === null) {
      yield { type: 'skip', reason: 'comment without id or locator.url' };
      continue;
    }
    if (!threads.has(url)) {
      threads.add(url);
      yield { type: 'thread', ref: url, url, title: str(value, 'title') };
    }
    const user = isObject(value.user) ? value.user : {};
    yield {
      type: 'comment',
      sourceId: id,
      threadRef: url,
      parentSourceId: str(value, 'pid'),
      status: value.delete === true ? 'deleted' : 'published',
      kind: 'comment',
      body: typeof value.text === 'string' ? value.text : '',
      bodyFormat: 'html',
      authorName: str(user, 'name'),
      authorEmail: null,
      authorUrl: null,
      ip: null,
      createdAt: isoDate(str(value, 'time') ?? undefined),
    };
  }
  if (meta === undefined) throw new ImportFormatError('the file is empty');
}
