/**
 * @module import/wordpress
 * WordPress eXtended RSS (WXR 1.0-1.2), streamed. One item's comments are held until the
 * item ends (WXR writes a post's `<link>` before its comments, but nothing promises it).
 * Comment ids are scoped by post: exports cut by hand repeat them across posts.
 */
import { sqlDateAsUtc } from './dates.js';
import { decodeEntities } from './html.js';
import type { ImportComment, ImportKind, ImportRecord, ImportStatus } from './record.js';
import { walkXml } from './xml.js';

type Fields = Record<string, string>;

/** `comment_approved` to a status; spam and trash are kept for the owner, never public. */
function statusOf(approved: string | undefined): ImportStatus | undefined {
  switch ((approved ?? '').trim()) {
    case '':
    case '1':
    case 'approve':
    case 'approved':
      return 'published';
    case '0':
    case 'hold':
    case 'unapproved':
      return 'pending';
    case 'spam':
    case 'trash':
    case 'post-trashed':
      return 'spam';
    default:
      return undefined;
  }
}

function kindOf(type: string | undefined): ImportKind | undefined {
  switch ((type ?? '').trim()) {
    case '':
    case 'comment':
    case 'review':
      return 'comment';
    case 'pingback':
    case 'webmention':
      return 'pingback';
    case 'trackback':
      return 'trackback';
    default:
      return undefined;
  }
}

const opt = (value: string | undefined): string | null => {
  const text = value?.trim() ?? '';
  return text === '' ? null : text;
};

export async function* parseWordpress(
  input: AsyncIterable<Buffer | string>,
): AsyncGenerator<ImportRecord> {
  let item: Fields | null = null;
  let comment: Fields | null = null;
  let comments: Fields[] = [];
  let inMeta = 0;
  let items = 0;

  let threadRef: string | null = null;
  /** Emits the item's thread once; comments go out as they end from then on. */
  const startThread = (fields: Fields, emit: (record: ImportRecord) => void): string => {
    if (threadRef !== null) return threadRef;
    const postId = opt(fields.post_id);
    const link = opt(fields.link);
    const ref = `post:${postId ?? link ?? `item-${items}`}`;
    emit({
      type: 'thread',
      ref,
      url: link,
      title: opt(fields.title),
      fallbackKey: postId === null ? undefined : `/?p=${postId}`,
      locked: opt(fields.comment_status) === 'closed',
    });
    threadRef = ref;
    return ref;
  };
  const flushComments = (fields: Fields, emit: (record: ImportRecord) => void): void => {
    if (comments.length === 0) return;
    const ref = startThread(fields, emit);
    const postDate = sqlDateAsUtc(fields.post_date_gmt);
    for (const c of comments) {
      const id = opt(c.comment_id);
      const status = statusOf(c.comment_approved);
      const kind = kindOf(c.comment_type);
      if (id === null) {
        emit({ type: 'skip', reason: 'no comment id' });
        continue;
      }
      if (status === undefined) {
        emit({ type: 'skip', reason: `unknown status "${c.comment_approved ?? ''}"` });
        continue;
      }
      if (kind === undefined) {
        emit({ type: 'skip', reason: `comment type "${c.comment_type ?? ''}"` });
        continue;
      }
      const parent = opt(c.comment_parent);
      const record: ImportComment = {
        type: 'comment',
        sourceId: `${ref}#${id}`,
        threadRef: ref,
        parentSourceId: parent === null || parent === '0' ? null : `${ref}#${parent}`,
        status,
        kind,
        body: c.comment_content ?? '',
        bodyFormat: 'wordpress',
        // WordPress stores names HTML-escaped (`Tom &amp; Jerry`): back to what was typed.
        authorName: decodeEntities(opt(c.comment_author)),
        authorEmail: opt(c.comment_author_email),
        authorUrl: opt(c.comment_author_url),
        ip: opt(c.comment_author_IP),
        // The GMT column; the local one only when WordPress wrote no GMT time.
        createdAt: sqlDateAsUtc(c.comment_date_gmt) ?? sqlDateAsUtc(c.comment_date) ?? postDate,
      };
      emit(record);
    }
    comments = [];
  };

  yield* walkXml<ImportRecord>(
    input,
    {
      open(name) {
        if (name === 'item') {
          item = {};
          comments = [];
          threadRef = null;
          items += 1;
        } else if (name === 'comment' && item !== null) {
          comment = {};
        } else if (name === 'commentmeta' || name === 'postmeta') {
          inMeta += 1;
        }
      },
      close(name, text, emit) {
        if (name === 'commentmeta' || name === 'postmeta') {
          inMeta -= 1;
        } else if (inMeta > 0) {
          return;
        } else if (name === 'comment' && comment !== null && item !== null) {
          comments.push(comment);
          comment = null;
          // WXR writes the post's link and id before its comments: no need to hold them.
          if (item.link !== undefined || item.post_id !== undefined) flushComments(item, emit);
        } else if (comment !== null) {
          comment[name] = text;
        } else if (name === 'item' && item !== null) {
          flushComments(item, emit);
          item = null;
        } else if (item !== null) {
          item[name] = text;
        }
      },
    },
    ['rss'],
  );
}
