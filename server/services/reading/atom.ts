/**
 * @module services/reading/atom
 * Writes an Atom 1.0 document (RFC 4287) with `thr:in-reply-to` on replies (RFC 4685).
 * Every value goes through `xmlText`: escaped for XML and stripped of the characters XML 1.0
 * does not allow, so no name, title or comment can break the document or add markup to it.
 */

export interface AtomEntry {
  id: string;
  title: string;
  authorName: string;
  /** RFC 3339 date-times. */
  published: string;
  updated: string;
  /** The page, at the comment's anchor. */
  link: string;
  /** Sanitized HTML, carried as escaped text (`type="html"`). */
  html: string;
  /** The parent's entry id and permalink, for a reply. */
  inReplyTo?: { ref: string; href: string } | undefined;
}

export interface AtomFeed {
  id: string;
  title: string;
  updated: string;
  /** The feed's own absolute URL. */
  self: string;
  /** The page (or site) the comments are on. */
  alternate: string;
  /** Each has its author, so the feed needs none of its own (RFC 4287 section 4.1.1). */
  entries: AtomEntry[];
}

/**
 * Escaped for XML text and attribute values (in double quotes), without the characters
 * XML 1.0 forbids: C0 controls other than tab, LF and CR, lone surrogates, U+FFFE, U+FFFF.
 */
export function xmlText(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;');
}

function entry(e: AtomEntry): string {
  const reply =
    e.inReplyTo === undefined
      ? ''
      : `\n    <thr:in-reply-to ref="${xmlText(e.inReplyTo.ref)}" href="${xmlText(e.inReplyTo.href)}" type="text/html"/>`;
  return `  <entry>
    <id>${xmlText(e.id)}</id>
    <title type="text">${xmlText(e.title)}</title>
    <author><name>${xmlText(e.authorName)}</name></author>
    <published>${xmlText(e.published)}</published>
    <updated>${xmlText(e.updated)}</updated>
    <link rel="alternate" type="text/html" href="${xmlText(e.link)}"/>${reply}
    <content type="html">${xmlText(e.html)}</content>
  </entry>
`;
}

export function atomDocument(feed: AtomFeed): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
  <id>${xmlText(feed.id)}</id>
  <title type="text">${xmlText(feed.title)}</title>
  <updated>${xmlText(feed.updated)}</updated>
  <link rel="self" type="application/atom+xml" href="${xmlText(feed.self)}"/>
  <link rel="alternate" type="text/html" href="${xmlText(feed.alternate)}"/>
  <generator>Confab</generator>
${feed.entries.map(entry).join('')}</feed>
`;
}
