/**
 * @module import/disqus
 * Disqus XML exports, streamed. Threads come before their posts in real exports; a post
 * whose thread has not been seen yet is held until the file ends, then imported or
 * reported as an orphan. Values are trimmed (some exports pretty-print every text node).
 */
import { isoDate } from './dates.js';
import type { ImportComment, ImportRecord, ImportStatus } from './record.js';
import { walkXml } from './xml.js';

interface Element {
  id: string | null;
  fields: Record<string, string>;
  /** `dsq:id` of the `<thread>` and `<parent>` references inside a post. */
  thread: string | null;
  parent: string | null;
}

const opt = (value: string | undefined): string | null => {
  const text = value?.trim() ?? '';
  return text === '' ? null : text;
};
const isTrue = (value: string | undefined): boolean => value?.trim().toLowerCase() === 'true';

export async function* parseDisqus(
  input: AsyncIterable<Buffer | string>,
): AsyncGenerator<ImportRecord> {
  const threads = new Map<string, { deleted: boolean }>();
  const waiting: ImportComment[] = [];
  let current: { kind: 'thread' | 'post'; element: Element } | null = null;
  let inAuthor = false;
  let depth = 0;

  const toComment = (el: Element): ImportComment | string => {
    if (el.id === null) return 'post without a dsq:id';
    if (el.thread === null) return 'post without a thread';
    const f = el.fields;
    let status: ImportStatus = 'published';
    if (isTrue(f.isSpam)) status = 'spam';
    else if (isTrue(f.isDeleted)) status = 'deleted';
    else if (opt(f.isApproved) !== null && !isTrue(f.isApproved)) status = 'pending';
    return {
      type: 'comment',
      sourceId: el.id,
      threadRef: el.thread,
      parentSourceId: el.parent,
      status,
      kind: 'comment',
      body: f.message ?? '',
      bodyFormat: 'html',
      authorName: opt(f['author.name']) ?? opt(f['author.username']),
      authorEmail: opt(f['author.email']),
      authorUrl: null,
      ip: opt(f.ipAddress),
      createdAt: isoDate(f.createdAt),
    };
  };

  const place = (comment: ImportComment, emit: (record: ImportRecord) => void): void => {
    const thread = threads.get(comment.threadRef);
    if (thread === undefined) waiting.push(comment);
    else if (thread.deleted) emit({ type: 'skip', reason: 'thread deleted in Disqus' });
    else emit(comment);
  };

  yield* walkXml<ImportRecord>(
    input,
    {
      open(name, attributes) {
        depth += 1;
        if (depth === 2 && (name === 'thread' || name === 'post')) {
          current = {
            kind: name,
            element: { id: opt(attributes.id), fields: {}, thread: null, parent: null },
          };
        } else if (current !== null && depth === 3) {
          if (name === 'author') inAuthor = true;
          if (current.kind === 'post' && name === 'thread')
            current.element.thread = opt(attributes.id);
          if (current.kind === 'post' && name === 'parent')
            current.element.parent = opt(attributes.id);
        }
      },
      close(name, text, emit) {
        depth -= 1;
        if (current === null) return;
        if (depth === 1) {
          const { kind, element } = current;
          current = null;
          if (kind === 'thread') {
            if (element.id === null) return;
            const deleted = isTrue(element.fields.isDeleted);
            threads.set(element.id, { deleted });
            if (!deleted) {
              emit({
                type: 'thread',
                ref: element.id,
                url: opt(element.fields.link),
                title: opt(element.fields.title),
                fallbackKey: undefined,
                locked: isTrue(element.fields.isClosed),
              });
            }
            return;
          }
          const comment = toComment(element);
          if (typeof comment === 'string') emit({ type: 'skip', reason: comment });
          else place(comment, emit);
        } else if (depth === 2) {
          if (name === 'author') inAuthor = false;
          else current.element.fields[name] = text;
        } else if (depth === 3 && inAuthor) {
          current.element.fields[`author.${name}`] = text;
        }
      },
      end(emit) {
        for (const comment of waiting.splice(0)) {
          const thread = threads.get(comment.threadRef);
          if (thread === undefined) emit({ type: 'skip', reason: 'thread missing from the file' });
          else if (thread.deleted) emit({ type: 'skip', reason: 'thread deleted in Disqus' });
          else emit(comment);
        }
      },
    },
    ['disqus'],
  );
}
