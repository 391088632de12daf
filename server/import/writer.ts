/**
 * @module import/writer
 * Applies the import rules to a parser's records and writes them in ONE transaction: a
 * failure anywhere (a broken file half-way through) leaves the database as it was.
 *
 * Memory stays bounded by the number of comments, not their size: bodies are written in
 * batches as they stream past; what stays is each comment's place in the tree (ids, parent,
 * depth), which threading needs until the file ends. Parents normally come before their
 * replies, so comments are placed as they arrive; a reply that arrives before its parent
 * is fixed up at the end, and one whose parent never comes is an orphan at top level.
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { Deps } from '../deps.js';
import { hashClientAddress } from '../services/common/clients.js';
import { MAX_DEPTH } from '../services/posting/post.js';
import { checkEmail, checkWebsite } from '../services/common/input-rules.js';
import { checkSiteColumns, parseAccount } from '../services/sites/sites.js';
import { findCommentById } from '../store/comments.js';
import type { Db } from '../store/dialect.js';
import {
  commentIdExists,
  deleteImportedComments,
  findImportedSources,
  insertCommentRows,
  insertImportSources,
  insertSiteRoleIfMissing,
  insertSiteRowFromExport,
  insertUserRow,
  updateCommentPlacement,
  userIdExists,
  type ImportSourceInsert,
} from '../store/imports.js';
import { findUserByAccount } from '../store/users.js';
import type { NewCommentRow } from '../store/schema.js';
import { findSiteById } from '../store/sites.js';
import { findThreadById, findThreadByKey, upsertThread } from '../store/threads.js';
import { plainText, toMarkdownSource } from './html.js';
import { skeleton } from '../services/common/names.js';
import { createRenderer } from '../services/common/render.js';
import { withEvents, type EventWriter } from '../services/events/log.js';
import type {
  BodyFormat,
  ImportComment,
  ImportFormat,
  ImportLike,
  ImportRecord,
  ImportSite,
  ImportThread,
  ImportUser,
  ImportVote,
} from './record.js';
import { writeReactions } from './reactions.js';
import { ImportFormatError } from './record.js';
import { mapUrl, pageUrlOf, threadKeyOf, type UrlRule } from './thread-key.js';

export interface ImportOptions {
  site: string;
  format: ImportFormat;
  urlRules?: readonly UrlRule[];
  dryRun?: boolean;
  skipPingbacks?: boolean;
  /** Called every few hundred records with the number of comments read so far. */
  onProgress?: (comments: number) => void;
}

export interface ImportSummary {
  site: string;
  format: ImportFormat;
  dryRun: boolean;
  /** Threads this import created, and threads it added to that existed already. */
  threads: { created: number; existing: number };
  /** Comments written, by status. */
  comments: Record<string, number>;
  /** Records left out, by reason. */
  skipped: Record<string, number>;
  /** Replies whose parent was not in the file (or in another thread): now top level. */
  orphans: number;
  /** Replies deeper than the depth cap, attached to their parent's parent. */
  depthCapped: number;
  /** Pingbacks and trackbacks kept (as comments, marked in import_sources). */
  pingbacks: number;
  /** Site created from a Confab export's settings. */
  siteCreated: boolean;
}

/** Thrown to roll a dry run back once it has done everything a real run does. */
class DryRunDone extends Error {}

/** Where a comment sits in the tree. `fixed` ones were in the database before this import. */
interface Node {
  id: string;
  threadId: string;
  status: string;
  /** The declared parent's source id until it is resolved. */
  parentSource: string | null;
  parent: Node | null;
  /** What was written, to spot what the final pass changes. */
  written: { parentId: string | null; rootId: string; depth: number };
  /** Final placement. */
  placedParent: Node | null;
  rootId: string;
  depth: number;
  settled: boolean;
  fixed: boolean;
}

const BATCH = 100;

function emptySummary(options: ImportOptions): ImportSummary {
  return {
    site: options.site,
    format: options.format,
    dryRun: options.dryRun === true,
    threads: { created: 0, existing: 0 },
    comments: {},
    skipped: {},
    orphans: 0,
    depthCapped: 0,
    pingbacks: 0,
    siteCreated: false,
  };
}

const bump = (counts: Record<string, number>, key: string, by = 1): void => {
  counts[key] = (counts[key] ?? 0) + by;
};

/**
 * A name is text, kept as written (`Reader <b>` stays so: it is shown as text): only
 * control, zero-width and bidi-override characters go, and it is cut at 80 characters.
 */
function cleanName(raw: string | null): string | null {
  const text = raw
    ?.normalize('NFC')
    .replace(/[\p{Cc}\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  if (text === undefined || text === '') return null;
  return Array.from(text).slice(0, 80).join('');
}

function cleanTitle(raw: string | null): string | null {
  const text = plainText(raw)
    ?.normalize('NFC')
    .replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  if (text === undefined || text === '') return null;
  return Array.from(text).slice(0, 300).join('');
}

/** An address as new comments see it: IPv4-mapped IPv6 unwrapped, anything else refused. */
function hashAddress(secret: string, raw: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw.trim());
  const address = mapped?.[1] ?? raw.trim();
  if (isIP(address) === 0 || address === '0.0.0.0' || address === '::') return null;
  return hashClientAddress(secret, address);
}

/**
 * Writes the records of one file for `options.site`, all or nothing. Throws `AppError`
 * `site_not_found` for an unknown site (unless a Confab export brings its own settings),
 * `ImportFormatError` for a file that is not of the format.
 */
export async function importRecords(
  deps: Deps,
  records: AsyncIterable<ImportRecord>,
  options: ImportOptions,
): Promise<ImportSummary> {
  const summary = emptySummary(options);
  try {
    await withEvents(deps, async (trx, events) => {
      await new ImportRun(deps, trx, events, options, summary).run(records);
      if (options.dryRun === true) throw new DryRunDone();
    });
  } catch (error) {
    if (!(error instanceof DryRunDone)) throw error;
  }
  // A Confab export may have made the site.
  deps.siteCache.forget();
  return summary;
}

class ImportRun {
  private readonly threads = new Map<string, ImportThread>();
  private readonly threadIds = new Map<string, string | null>();
  private readonly nodes = new Map<string, Node>();
  private readonly existingNodes = new Map<string, Node>();
  private readonly users = new Map<string, string>();
  /** Address hashes by address (readers come back); bounded. */
  private readonly addressHashes = new Map<string, string | null>();
  private existing = new Map<string, string>();
  /** Deleted comments with nothing below them, dropped at the end. */
  private readonly removed = new Set<Node>();
  private siteKnown = false;
  private comments: NewCommentRow[] = [];
  /** A Confab export's votes and likes, written once their comments and threads are. */
  private readonly reactions: (ImportVote | ImportLike)[] = [];
  private bodies: { body: string; format: BodyFormat | 'source' }[] = [];
  private sources: ImportSourceInsert[] = [];
  private seen = 0;
  private readonly now: string;

  /** Renders on this thread: an import is a command of its own, with no requests to keep answering. */
  private readonly renderer = createRenderer();

  constructor(
    private readonly deps: Deps,
    private readonly db: Db,
    private readonly events: EventWriter,
    private readonly options: ImportOptions,
    private readonly summary: ImportSummary,
  ) {
    this.now = deps.now().toISOString();
  }

  async run(records: AsyncIterable<ImportRecord>): Promise<void> {
    this.siteKnown = (await findSiteById(this.db, this.options.site)) !== undefined;
    if (!this.siteKnown && this.options.format !== 'confab') throw siteNotFound(this.options.site);
    this.existing = await findImportedSources(this.db, this.options.site, this.options.format);
    for await (const record of records) {
      switch (record.type) {
        case 'site':
          await this.site(record);
          break;
        case 'thread':
          this.threads.set(record.ref, record);
          break;
        case 'skip':
          bump(this.summary.skipped, record.reason);
          break;
        case 'comment':
          if (!this.siteKnown) throw siteNotFound(this.options.site);
          await this.comment(record);
          break;
        case 'vote':
        case 'like':
          this.reactions.push(record);
          break;
      }
    }
    await this.flush();
    await this.settle();
    await this.writeReactions();
    await this.announce();
  }

  private async writeReactions(): Promise<void> {
    if (this.reactions.length === 0) return;
    const targets = {
      comment: (sourceId: string) => {
        const node = this.nodes.get(sourceId);
        if (node === undefined || this.removed.has(node)) return undefined;
        return { id: node.id, threadId: node.threadId };
      },
      thread: (ref: string) => this.threadFor(ref, null),
      user: (user: ImportUser) => this.userFor(user),
    };
    await writeReactions(this.db, this.reactions, targets, this.events, this.options.site);
  }

  /** One `thread.imported` event per thread that received comments. */
  private async announce(): Promise<void> {
    const perThread = new Map<string, number>();
    for (const node of this.nodes.values()) {
      if (!this.removed.has(node))
        perThread.set(node.threadId, (perThread.get(node.threadId) ?? 0) + 1);
    }
    for (const [threadId, comments] of perThread) {
      await this.events.append({
        siteId: this.options.site,
        threadId,
        kind: 'thread.imported',
        detail: { comments },
      });
    }
  }

  private async site(record: ImportSite): Promise<void> {
    if (!this.siteKnown) {
      const { site } = this.options;
      try {
        checkSiteColumns(record.settings);
        for (const role of record.roles) {
          parseAccount(`${role.provider}:${role.subject}`);
          if (role.role !== 'owner' && role.role !== 'moderator')
            throw new Error(`role ${role.role}`);
        }
      } catch (error) {
        throw new ImportFormatError(`the export's site is not valid: ${(error as Error).message}`);
      }
      await insertSiteRowFromExport(this.db, site, record.settings);
      this.siteKnown = true;
      this.summary.siteCreated = true;
      for (const role of record.roles) await insertSiteRoleIfMissing(this.db, site, role);
    }
  }

  private async threadFor(ref: string, createdAt: string | null): Promise<string | null> {
    const known = this.threadIds.get(ref);
    if (known !== undefined) return known;
    const info = this.threads.get(ref);
    let id: string | null = null;
    if (info !== undefined) {
      const url = info.url === null ? null : mapUrl(info.url, this.options.urlRules ?? []);
      const key = info.key ?? (url === null ? null : threadKeyOf(url)) ?? info.fallbackKey ?? null;
      if (key !== null) {
        const existing = await findThreadByKey(this.db, this.options.site, key);
        if (existing === undefined) this.summary.threads.created += 1;
        else this.summary.threads.existing += 1;
        // A Confab export keeps its thread ids where they are free.
        const keepId =
          info.key !== undefined && (await findThreadById(this.db, info.ref)) === undefined;
        const thread = await upsertThread(this.db, {
          id: keepId ? info.ref : randomUUID(),
          site_id: this.options.site,
          key,
          title: info.key === undefined ? cleanTitle(info.title) : info.title,
          url: url === null ? null : info.key === undefined ? pageUrlOf(url) : url,
          locked: info.locked === true ? 1 : 0,
          created_at: info.createdAt ?? createdAt ?? this.now,
        });
        id = thread.id;
      }
    }
    this.threadIds.set(ref, id);
    return id;
  }

  private async comment(record: ImportComment): Promise<void> {
    this.seen += 1;
    if (this.seen % 500 === 0) this.options.onProgress?.(this.seen);
    const summary = this.summary;
    if (this.existing.has(record.sourceId)) {
      bump(summary.skipped, 'already imported');
      return;
    }
    if (this.nodes.has(record.sourceId)) {
      bump(summary.skipped, 'duplicate id in the file');
      return;
    }
    if (record.kind !== 'comment' && this.options.skipPingbacks === true) {
      bump(summary.skipped, `${record.kind} (--skip-pingbacks)`);
      return;
    }
    const threadId = await this.threadFor(record.threadRef, record.createdAt);
    if (threadId === null) {
      bump(summary.skipped, 'page has no URL');
      return;
    }
    const extras = record.confab;
    let id = extras?.id ?? randomUUID();
    if (extras !== undefined && (await commentIdExists(this.db, id))) id = randomUUID();

    const node: Node = {
      id,
      threadId,
      status: record.status,
      parentSource: record.parentSourceId,
      parent: null,
      written: { parentId: null, rootId: id, depth: 0 },
      placedParent: null,
      rootId: id,
      depth: 0,
      settled: false,
      fixed: false,
    };
    if (record.parentSourceId !== null) {
      const parent = await this.lookup(record.parentSourceId);
      if (parent !== undefined && parent.threadId === threadId && parent.settled) {
        node.parent = parent;
        node.parentSource = null;
        this.place(node);
        node.written = {
          parentId: node.placedParent?.id ?? null,
          rootId: node.rootId,
          depth: node.depth,
        };
      }
    } else {
      node.settled = true;
    }
    this.nodes.set(record.sourceId, node);

    const deleted = record.status === 'deleted';
    const userId = extras?.user == null ? null : await this.userFor(extras.user);
    // A Confab export keeps its source; its HTML is made again, never trusted. A deleted
    // comment is a placeholder without text.
    if (extras !== undefined) this.bodies.push({ body: extras.bodySource, format: 'source' });
    else if (deleted) this.bodies.push({ body: '', format: 'source' });
    else this.bodies.push({ body: record.body, format: record.bodyFormat });
    const email = checkEmail(record.authorEmail ?? undefined);
    const website = checkWebsite(record.authorUrl ?? undefined);
    this.comments.push({
      id,
      thread_id: threadId,
      parent_id: node.written.parentId,
      root_id: node.written.rootId,
      depth: node.written.depth,
      status: record.status,
      body_source: '',
      body_html: '',
      render_version: this.deps.renderer.version,
      author_name:
        extras !== undefined ? record.authorName : deleted ? null : cleanName(record.authorName),
      author_email:
        extras !== undefined ? record.authorEmail : deleted || !email.ok ? null : email.value,
      author_url:
        extras !== undefined ? record.authorUrl : deleted || !website.ok ? null : website.value,
      user_id: userId,
      ip_hash: extras !== undefined ? extras.ipHash : deleted ? null : this.addressHash(record.ip),
      edit_token_hash: null,
      idempotency_key: null,
      score: extras?.score ?? 0,
      upvotes: extras?.upvotes ?? 0,
      downvotes: extras?.downvotes ?? 0,
      pinned: extras?.pinned === true ? 1 : 0,
      created_at: record.createdAt ?? this.now,
      edited_at: extras?.editedAt ?? null,
      deleted_at: extras !== undefined ? extras.deletedAt : deleted ? this.now : null,
      held_reason: extras?.heldReason ?? null,
      spam_check: extras?.spamCheck ?? null,
      email_hash: extras?.emailHash ?? null,
    });
    this.sources.push({
      site_id: this.options.site,
      format: this.options.format,
      source_id: record.sourceId,
      comment_id: id,
      kind: record.kind,
      imported_at: this.now,
    });
    for (const earlier of extras?.sources ?? []) {
      this.sources.push({
        site_id: this.options.site,
        format: earlier.format,
        source_id: earlier.sourceId,
        comment_id: id,
        kind: earlier.kind,
        imported_at: this.now,
      });
    }
    if (record.kind !== 'comment') summary.pingbacks += 1;
    if (this.comments.length >= BATCH) await this.flush();
  }

  private addressHash(raw: string | null): string | null {
    if (raw === null) return null;
    const known = this.addressHashes.get(raw);
    if (known !== undefined) return known;
    const hash = hashAddress(this.deps.secret, raw);
    if (this.addressHashes.size >= 10_000) this.addressHashes.clear();
    this.addressHashes.set(raw, hash);
    return hash;
  }

  /** A parent by source id: from this file, or imported from this format before. */
  private async lookup(sourceId: string): Promise<Node | undefined> {
    const local = this.nodes.get(sourceId);
    if (local !== undefined) return local;
    const cached = this.existingNodes.get(sourceId);
    if (cached !== undefined) return cached;
    const commentId = this.existing.get(sourceId);
    if (commentId === undefined) return undefined;
    const row = await findCommentById(this.db, commentId);
    if (row === undefined) return undefined;
    const parentRow =
      row.parent_id === null ? undefined : await findCommentById(this.db, row.parent_id);
    const fixedNode = (r: NonNullable<typeof row>, parent: Node | null): Node => ({
      id: r.id,
      threadId: r.thread_id,
      status: r.status,
      parentSource: null,
      parent,
      written: { parentId: r.parent_id, rootId: r.root_id, depth: r.depth },
      placedParent: parent,
      rootId: r.root_id,
      depth: r.depth,
      settled: true,
      fixed: true,
    });
    const node = fixedNode(row, parentRow === undefined ? null : fixedNode(parentRow, null));
    this.existingNodes.set(sourceId, node);
    return node;
  }

  /** Places `node` under its (settled) parent, one level up when the parent is at the cap. */
  private place(node: Node): void {
    const parent = node.parent;
    if (parent === null) {
      node.placedParent = null;
      node.rootId = node.id;
      node.depth = 0;
    } else {
      const target = parent.depth < MAX_DEPTH ? parent : (parent.placedParent ?? parent);
      if (target !== parent) this.summary.depthCapped += 1;
      node.placedParent = target;
      node.rootId = target.rootId;
      node.depth = target.depth + 1;
    }
    node.settled = true;
  }

  private async userFor(user: ImportUser): Promise<string> {
    const key = `${user.provider}:${user.subject}`;
    const known = this.users.get(key);
    if (known !== undefined) return known;
    const existing = await findUserByAccount(this.db, user.provider, user.subject);
    let id = existing?.id;
    if (id === undefined) {
      id = (await userIdExists(this.db, user.id)) ? randomUUID() : user.id;
      await insertUserRow(this.db, {
        id,
        provider: user.provider,
        subject: user.subject,
        name: user.name,
        name_key: skeleton(user.name),
        avatar_url: user.avatarUrl,
        profile_url: user.profileUrl,
        created_at: user.createdAt,
        updated_at: user.updatedAt,
      });
    }
    this.users.set(key, id);
    return id;
  }

  /** Renders the batch's bodies (the server's renderer, as for new comments) and writes it. */
  private async flush(): Promise<void> {
    const { renderer } = this;
    this.comments.forEach((row, i) => {
      const body = this.bodies[i];
      if (body === undefined) return;
      const source =
        body.format === 'source' ? body.body : toMarkdownSource(body.body, body.format);
      row.body_source = source;
      row.body_html = source === '' ? '' : renderer.render(source);
    });
    await insertCommentRows(this.db, this.comments);
    await insertImportSources(this.db, this.sources);
    this.comments = [];
    this.sources = [];
    this.bodies = [];
  }

  /**
   * The end of the file: replies that came before their parents find them (or become
   * orphans), the tree is settled top-down, rows whose place changed are updated, and
   * deleted comments with nothing below them leave.
   */
  private async settle(): Promise<void> {
    const pending = [...this.nodes.values()].filter((n) => !n.settled);
    for (const node of pending) {
      const source = node.parentSource;
      node.parentSource = null;
      const parent = source === null ? undefined : await this.lookup(source);
      if (parent === undefined || parent.threadId !== node.threadId) this.summary.orphans += 1;
      else node.parent = parent;
    }
    const visiting = new Set<Node>();
    const settle = (node: Node): void => {
      if (node.settled) return;
      if (visiting.has(node)) {
        // A cycle of parents: break it here, at top level.
        node.parent = null;
        this.summary.orphans += 1;
      }
      visiting.add(node);
      if (node.parent !== null) settle(node.parent);
      visiting.delete(node);
      // (A cycle may have settled it meanwhile.)
      const settledMeanwhile = (): boolean => node.settled;
      if (!settledMeanwhile()) this.place(node);
    };
    for (const node of pending) settle(node);
    // A late parent moves its whole subtree: recompute every node of this file top-down.
    if (pending.length > 0) {
      this.summary.depthCapped = 0;
      const order = [...this.nodes.values()].sort((a, b) => depthOf(a) - depthOf(b));
      for (const node of order) if (node.parent !== null) this.place(node);
    }

    const children = new Map<Node, number>();
    for (const node of this.nodes.values()) {
      if (node.placedParent !== null)
        children.set(node.placedParent, (children.get(node.placedParent) ?? 0) + 1);
    }
    // Deleted comments stay only as placeholders above something.
    const removed = this.removed;
    // (A Confab export is restored as it is.)
    const leaves = [...this.nodes.values()].filter(
      (n) =>
        this.options.format !== 'confab' && n.status === 'deleted' && (children.get(n) ?? 0) === 0,
    );
    while (leaves.length > 0) {
      const node = leaves.pop();
      if (node === undefined || removed.has(node)) continue;
      removed.add(node);
      const parent = node.placedParent;
      if (parent === null || parent.fixed) continue;
      const left = (children.get(parent) ?? 1) - 1;
      children.set(parent, left);
      if (left === 0 && parent.status === 'deleted') leaves.push(parent);
    }

    for (const node of this.nodes.values()) {
      if (removed.has(node)) continue;
      const parentId = node.placedParent?.id ?? null;
      const { written } = node;
      if (
        written.parentId !== parentId ||
        written.rootId !== node.rootId ||
        written.depth !== node.depth
      ) {
        await updateCommentPlacement(this.db, node.id, {
          parent_id: parentId,
          root_id: node.rootId,
          depth: node.depth,
        });
      }
      bump(this.summary.comments, node.status);
    }
    const gone = [...removed].map((n) => n.id);
    for (let i = 0; i < gone.length; i += BATCH) {
      await deleteImportedComments(this.db, gone.slice(i, i + BATCH));
    }
    if (removed.size > 0) bump(this.summary.skipped, 'deleted, with no replies', removed.size);
  }
}

function depthOf(node: Node): number {
  let depth = 0;
  for (let n = node.parent; n !== null && depth < 10_000; n = n.parent) depth += 1;
  return depth;
}

function siteNotFound(site: string): Error {
  return new ImportSiteError(site);
}

/** The site named with `--site` does not exist (and the file does not create it). */
export class ImportSiteError extends Error {
  constructor(readonly site: string) {
    super(`no site "${site}": add it first with confab site add ${site} --origin <url>`);
    this.name = 'ImportSiteError';
  }
}

export { ImportFormatError };
