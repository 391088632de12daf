/**
 * @module services/data/export
 * `confab export`: a site's threads and comments, streamed out page by page. The Confab
 * format (docs/export-format.md, docs/export.schema.json) carries every column needed to
 * restore the site with `confab import confab` (votes and likes included, each reader's with
 * their counts); WXR 1.2 lets a blog move to WordPress.
 * Exports are the owner's own backups: they hold emails and address hashes.
 */
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { threadKeyOf } from '../../import/thread-key.js';
import {
  findCommentsOfThread,
  findSiteCommentsPage,
  findSiteRow,
  findSourcesOfComments,
  findThreadsOfSite,
} from '../../store/imports.js';
import { findLikesOfSite } from '../../store/likes.js';
import type { CommentRow, LikeRow, ThreadRow, UserRow, VoteRow } from '../../store/schema.js';
import { findSiteRoles, findUsersByIds } from '../../store/users.js';
import { findVotesOfSitePage } from '../../store/votes.js';

export const EXPORT_FORMAT = 'confab-export';
export const EXPORT_VERSION = 1;

/** Where the export goes; resolves when the chunk may be followed by the next. */
export type Sink = (chunk: string) => Promise<void>;

const PAGE = 1000;

function userJson(user: UserRow): Record<string, unknown> {
  return {
    id: user.id,
    provider: user.provider,
    subject: user.subject,
    name: user.name,
    avatarUrl: user.avatar_url,
    profileUrl: user.profile_url,
    createdAt: user.created_at,
    updatedAt: user.updated_at,
  };
}

function threadJson(thread: ThreadRow): Record<string, unknown> {
  return {
    id: thread.id,
    key: thread.key,
    title: thread.title,
    url: thread.url,
    locked: thread.locked === 1,
    createdAt: thread.created_at,
    likes: thread.like_count,
  };
}

function commentJson(
  row: CommentRow,
  users: ReadonlyMap<string, UserRow>,
  sources: readonly { format: string; source_id: string; kind: string }[],
): Record<string, unknown> {
  const user = row.user_id === null ? undefined : users.get(row.user_id);
  return {
    id: row.id,
    threadId: row.thread_id,
    parentId: row.parent_id,
    rootId: row.root_id,
    depth: row.depth,
    status: row.status,
    bodySource: row.body_source,
    bodyHtml: row.body_html,
    renderVersion: row.render_version,
    author: { name: row.author_name, email: row.author_email, url: row.author_url },
    user:
      user === undefined
        ? null
        : { id: user.id, provider: user.provider, subject: user.subject, name: user.name },
    ipHash: row.ip_hash,
    emailHash: row.email_hash,
    score: row.score,
    upvotes: row.upvotes,
    downvotes: row.downvotes,
    pinned: row.pinned === 1,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    deletedAt: row.deleted_at,
    heldReason: row.held_reason,
    spamCheck: row.spam_check,
    imported: sources.map((s) => ({ format: s.format, sourceId: s.source_id, kind: s.kind })),
  };
}

/** A vote or a like: its reader by account (`userId`) or as a guest (`voter`, hashed). */
function readerJson(row: Pick<VoteRow, 'voter' | 'user_id' | 'client_hash'>) {
  return row.user_id === null
    ? { userId: null, voter: row.voter, clientHash: row.client_hash }
    : { userId: row.user_id, voter: null, clientHash: null };
}

function voteJson(row: VoteRow): Record<string, unknown> {
  return {
    commentId: row.comment_id,
    ...readerJson(row),
    value: row.value,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function likeJson(row: LikeRow): Record<string, unknown> {
  return { threadId: row.thread_id, ...readerJson(row), createdAt: row.created_at };
}

async function requireSite(deps: Deps, siteId: string): Promise<Record<string, unknown>> {
  const site = await findSiteRow(deps.db, siteId);
  if (site === undefined) {
    throw new AppError(404, 'site_not_found', { detail: `No site "${siteId}".` });
  }
  return { ...site };
}

/**
 * The Confab format, one array element per line so it streams out (and diffs) line by
 * line. Users come last: every account a comment, vote or like refers to.
 */
export async function exportConfab(deps: Deps, siteId: string, write: Sink): Promise<void> {
  const site = await requireSite(deps, siteId);
  const roles = await findSiteRoles(deps.db, siteId);
  const threads = await findThreadsOfSite(deps.db, siteId);
  const header = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: deps.now().toISOString(),
    site,
    roles,
  };
  await write(`${JSON.stringify(header).slice(0, -1)},\n"threads": [\n`);
  for (const [i, thread] of threads.entries()) {
    await write(`${i === 0 ? '' : ',\n'}${JSON.stringify(threadJson(thread))}`);
  }
  await write('\n],\n"comments": [\n');
  const allUsers = new Map<string, UserRow>();
  let after: { createdAt: string; id: string } | undefined;
  let first = true;
  for (;;) {
    const page = await findSiteCommentsPage(deps.db, siteId, after, PAGE);
    if (page.length === 0) break;
    const ids = [...new Set(page.map((r) => r.user_id).filter((id): id is string => id !== null))];
    for (const user of await findUsersByIds(deps.db, ids)) allUsers.set(user.id, user);
    const sources = await findSourcesOfComments(
      deps.db,
      siteId,
      page.map((r) => r.id),
    );
    const byComment = new Map<string, typeof sources>();
    for (const s of sources)
      byComment.set(s.comment_id, [...(byComment.get(s.comment_id) ?? []), s]);
    const lines = page.map((row) =>
      JSON.stringify(commentJson(row, allUsers, byComment.get(row.id) ?? [])),
    );
    await write(`${first ? '' : ',\n'}${lines.join(',\n')}`);
    first = false;
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) break;
    after = { createdAt: last.created_at, id: last.id };
  }
  await write('\n],\n"votes": [\n');
  const addUsers = async (ids: readonly (string | null)[]) => {
    const missing = [...new Set(ids)].filter((id): id is string => id !== null && !allUsers.has(id));
    for (const user of await findUsersByIds(deps.db, missing)) allUsers.set(user.id, user);
  };
  let afterVote: { commentId: string; voter: string } | undefined;
  first = true;
  for (;;) {
    const page = await findVotesOfSitePage(deps.db, siteId, afterVote, PAGE);
    if (page.length === 0) break;
    await addUsers(page.map((v) => v.user_id));
    await write(`${first ? '' : ',\n'}${page.map((v) => JSON.stringify(voteJson(v))).join(',\n')}`);
    first = false;
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) break;
    afterVote = { commentId: last.comment_id, voter: last.voter };
  }
  await write('\n],\n"likes": [\n');
  const likes = await findLikesOfSite(deps.db, siteId);
  await addUsers(likes.map((l) => l.user_id));
  await write(likes.map((l) => JSON.stringify(likeJson(l))).join(',\n'));
  await write('\n],\n"users": [\n');
  await write([...allUsers.values()].map((u) => JSON.stringify(userJson(u))).join(',\n'));
  await write('\n]}\n');
}

const cdata = (text: string | null): string =>
  // eslint-disable-next-line no-control-regex -- characters XML 1.0 cannot carry
  `<![CDATA[${(text ?? '').replace(/[\0-\x08\x0B\x0C\x0E-\x1F]/g, '').replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

/** `2014-01-14 17:32:12` in UTC, as WordPress writes its `*_gmt` columns. */
const wpDate = (iso: string): string => iso.slice(0, 19).replace('T', ' ');

const WXR_STATUS: Record<string, string> = {
  published: '1',
  pending: '0',
  spam: 'spam',
  deleted: 'trash',
};

/**
 * WordPress eXtended RSS 1.2: one post per thread with its comments (parents, statuses,
 * GMT dates). WordPress's importer matches posts by title and date, so a thread whose
 * page is already in WordPress is best imported with its posts' own export.
 */
export async function exportWxr(deps: Deps, siteId: string, write: Sink): Promise<void> {
  const site = await requireSite(deps, siteId);
  const origins = JSON.parse(String(site.origins)) as unknown;
  const origin = Array.isArray(origins) && typeof origins[0] === 'string' ? origins[0] : '';
  await write(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
\t<title>${cdata(String(site.name))}</title>
\t<link>${cdata(origin)}</link>
\t<description></description>
\t<language>en</language>
\t<wp:wxr_version>1.2</wp:wxr_version>
\t<wp:base_site_url>${cdata(origin)}</wp:base_site_url>
\t<wp:base_blog_url>${cdata(origin)}</wp:base_blog_url>
\t<generator>Confab</generator>
`);
  const threads = await findThreadsOfSite(deps.db, siteId);
  let commentNumber = 0;
  for (const [index, thread] of threads.entries()) {
    const postId = index + 1;
    // The post's link must give back the thread's key (a page may have set its own key).
    const link =
      thread.url !== null && threadKeyOf(thread.url) === thread.key
        ? thread.url
        : `${thread.url === null ? origin : new URL(thread.url).origin}${thread.key}`;
    const date = wpDate(thread.created_at);
    const slug =
      thread.key
        .split('/')
        .filter((p) => p !== '')
        .at(-1) ?? `post-${postId}`;
    const parts: string[] = [
      `\t<item>
\t\t<title>${cdata(thread.title ?? thread.key)}</title>
\t\t<link>${cdata(link)}</link>
\t\t<pubDate>${new Date(thread.created_at).toUTCString()}</pubDate>
\t\t<dc:creator>${cdata('')}</dc:creator>
\t\t<guid isPermaLink="false">${cdata(link)}</guid>
\t\t<description></description>
\t\t<content:encoded>${cdata('')}</content:encoded>
\t\t<excerpt:encoded>${cdata('')}</excerpt:encoded>
\t\t<wp:post_id>${postId}</wp:post_id>
\t\t<wp:post_date>${cdata(date)}</wp:post_date>
\t\t<wp:post_date_gmt>${cdata(date)}</wp:post_date_gmt>
\t\t<wp:comment_status>${cdata(thread.locked === 1 ? 'closed' : 'open')}</wp:comment_status>
\t\t<wp:ping_status>${cdata('closed')}</wp:ping_status>
\t\t<wp:post_name>${cdata(slug)}</wp:post_name>
\t\t<wp:status>${cdata('publish')}</wp:status>
\t\t<wp:post_parent>0</wp:post_parent>
\t\t<wp:menu_order>0</wp:menu_order>
\t\t<wp:post_type>${cdata('post')}</wp:post_type>
\t\t<wp:post_password>${cdata('')}</wp:post_password>
\t\t<wp:is_sticky>0</wp:is_sticky>
`,
    ];
    const rows = await findCommentsOfThread(deps.db, thread.id);
    const kinds = new Map(
      (
        await findSourcesOfComments(
          deps.db,
          siteId,
          rows.map((r) => r.id),
        )
      ).map((s) => [s.comment_id, s.kind]),
    );
    const numbers = new Map<string, number>();
    for (const row of rows) {
      commentNumber += 1;
      numbers.set(row.id, commentNumber);
    }
    const users = new Map(
      (
        await findUsersByIds(deps.db, [
          ...new Set(rows.map((r) => r.user_id).filter((id): id is string => id !== null)),
        ])
      ).map((u) => [u.id, u]),
    );
    for (const row of rows) {
      const kind = kinds.get(row.id);
      const when = wpDate(row.created_at);
      const name = row.author_name ?? (row.user_id === null ? null : users.get(row.user_id)?.name);
      parts.push(`\t\t<wp:comment>
\t\t\t<wp:comment_id>${numbers.get(row.id) ?? 0}</wp:comment_id>
\t\t\t<wp:comment_author>${cdata(name ?? '')}</wp:comment_author>
\t\t\t<wp:comment_author_email>${cdata(row.author_email)}</wp:comment_author_email>
\t\t\t<wp:comment_author_url>${cdata(row.author_url)}</wp:comment_author_url>
\t\t\t<wp:comment_author_IP>${cdata('')}</wp:comment_author_IP>
\t\t\t<wp:comment_date>${cdata(when)}</wp:comment_date>
\t\t\t<wp:comment_date_gmt>${cdata(when)}</wp:comment_date_gmt>
\t\t\t<wp:comment_content>${cdata(row.body_html)}</wp:comment_content>
\t\t\t<wp:comment_approved>${cdata(WXR_STATUS[row.status] ?? '0')}</wp:comment_approved>
\t\t\t<wp:comment_type>${cdata(kind === 'pingback' || kind === 'trackback' ? kind : 'comment')}</wp:comment_type>
\t\t\t<wp:comment_parent>${row.parent_id === null ? 0 : (numbers.get(row.parent_id) ?? 0)}</wp:comment_parent>
\t\t\t<wp:comment_user_id>0</wp:comment_user_id>
\t\t</wp:comment>
`);
    }
    parts.push('\t</item>\n');
    await write(parts.join(''));
  }
  await write('</channel>\n</rss>\n');
}
