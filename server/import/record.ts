/**
 * @module import/record
 * The normalised records every source parser yields, whatever the format. Parsers decode
 * their format (XML entities, JSON escapes) and nothing else: the writer applies the
 * rules (thread keys, statuses, threading, HTML allowlist, address hashing).
 */

/** The formats `confab import` reads. */
export const IMPORT_FORMATS = [
  'wordpress',
  'disqus',
  'isso',
  'commento',
  'remark42',
  'confab',
] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export type ImportStatus = 'published' | 'pending' | 'spam' | 'deleted';
export type ImportKind = 'comment' | 'pingback' | 'trackback';

/**
 * How the source wrote a body: `html` (markup, whitespace is insignificant), `wordpress`
 * (WordPress's HTML where line breaks count, as wpautop shows them), `text` (plain text),
 * `markdown` (already Markdown, rendered as a new comment is).
 */
export type BodyFormat = 'html' | 'wordpress' | 'text' | 'markdown';

/** A page: the widget's thread. Comments refer to it by `ref`. */
export interface ImportThread {
  type: 'thread';
  /** The source's own reference for the page (post id, Disqus thread id, URL). */
  ref: string;
  /** The page's URL as the source gives it (absolute, or a path). */
  url: string | null;
  title: string | null;
  /** The key to use when the source has no URL for the page (already a path). */
  fallbackKey?: string | undefined;
  locked?: boolean | undefined;
  /** An exact thread key (Confab exports), used as is instead of one made from `url`. */
  key?: string | undefined;
  createdAt?: string | undefined;
}

/** A Confab export's own columns, carried through `import confab` unchanged. */
export interface ConfabExtras {
  id: string;
  bodySource: string;
  bodyHtml: string;
  renderVersion: number;
  ipHash: string | null;
  /** `upvotes` − `downvotes` (older exports: the score alone, with no counts). */
  score: number;
  upvotes: number;
  downvotes: number;
  pinned: boolean;
  editedAt: string | null;
  deletedAt: string | null;
  heldReason: string | null;
  spamCheck: string | null;
  emailHash: string | null;
  user: ImportUser | null;
  /** Where the comment came from before (`import_sources`), restored with it. */
  sources: { format: string; sourceId: string; kind: string }[];
}

export interface ImportUser {
  id: string;
  provider: string;
  subject: string;
  name: string;
  avatarUrl: string | null;
  profileUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ImportComment {
  type: 'comment';
  /** Unique within the format for one site (scoped by post where the source reuses ids). */
  sourceId: string;
  threadRef: string;
  /** The parent's `sourceId`, or null for a top-level comment. */
  parentSourceId: string | null;
  status: ImportStatus;
  kind: ImportKind;
  body: string;
  bodyFormat: BodyFormat;
  /** The name as its author wrote it: plain text (a parser decodes what its source escaped). */
  authorName: string | null;
  authorEmail: string | null;
  authorUrl: string | null;
  /** The client address as the source stored it; hashed by the writer, never stored. */
  ip: string | null;
  /** ISO-8601 UTC, or null when the source has no usable date. */
  createdAt: string | null;
  confab?: ConfabExtras | undefined;
}

/** A record the parser itself had to leave out, with the reason for the summary. */
export interface ImportSkip {
  type: 'skip';
  reason: string;
}

/** A Confab export's site: settings (the `sites` row) and who owns and moderates it. */
export interface ImportSite {
  type: 'site';
  settings: Record<string, unknown>;
  roles: { provider: string; subject: string; role: string }[];
}

/** Who voted or liked, in a Confab export: an account, or a guest's hashed voter key. */
export interface ImportReader {
  user: ImportUser | null;
  /** A guest's `guest:<SHA-256 of the voter token>`; null for an account. */
  voter: string | null;
  /** A guest's keyed address hash (the exporting server's secret), or null. */
  clientHash: string | null;
}

/** One reader's vote on a comment of the file (a Confab export's `votes[]`). */
export interface ImportVote extends ImportReader {
  type: 'vote';
  /** The comment's `sourceId`. */
  commentSourceId: string;
  value: 1 | -1;
  createdAt: string;
  updatedAt: string;
}

/** One reader's like of a thread of the file (a Confab export's `likes[]`). */
export interface ImportLike extends ImportReader {
  type: 'like';
  threadRef: string;
  createdAt: string;
}

export type ImportRecord =
  ImportThread | ImportComment | ImportSkip | ImportSite | ImportVote | ImportLike;

/** A parser: a read stream in, records out, in file order. */
export type ImportParser = (input: AsyncIterable<Buffer | string>) => AsyncIterable<ImportRecord>;

/** A source file that is not what it claims to be, or not well-formed; `line` when known. */
export class ImportFormatError extends Error {
  readonly line: number | undefined;

  constructor(message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'ImportFormatError';
    this.line = line;
  }
}
