/**
 * @module import/xml
 * A streaming XML walk for the XML exports (WXR, Disqus): saxes over the file's chunks,
 * never a whole-file tree. Elements are known by their local name (`wp:comment` is
 * `comment`) because exports disagree on namespace URIs (WXR 1.0/1.1/1.2, http and https).
 * Stray bytes before `<?xml` (a byte-order mark, a newline, a stray backtick) are dropped;
 * anything else that is not well-formed stops the import with its line number.
 */
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import { ImportFormatError } from './record.js';

export interface XmlHandler<T> {
  /** An element starts; `attributes` by local name. */
  open(name: string, attributes: Readonly<Record<string, string>>, emit: (record: T) => void): void;
  /** An element ends with its own text (CDATA included; empty for elements with children). */
  close(name: string, text: string, emit: (record: T) => void): void;
  /** The document ended: emit what is still buffered. */
  end?(emit: (record: T) => void): void;
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/**
 * A copy that owns its characters. saxes hands out slices of the chunk it is reading, and
 * V8 keeps a whole chunk of the file alive for as long as any slice of it lives: ids kept for
 * threading would otherwise pin the entire file in memory. Bodies are long and not kept,
 * so only short texts (ids, dates, names, links, titles) are copied.
 */
export const own = (text: string): string =>
  // Slicing a concatenation makes V8 flatten it into a new string: the chunk is let go.
  text.length < 13 || text.length > 2048 ? text : ` ${text}`.slice(1);

interface Frame {
  text: string;
  hasChildren: boolean;
}

/** Records from `handler` as the file streams through, one chunk's worth at a time. */
export async function* walkXml<T>(
  input: AsyncIterable<Buffer | string>,
  handler: XmlHandler<T>,
  rootNames: readonly string[],
): AsyncGenerator<T> {
  const parser = new SaxesParser({ position: true });
  const queue: T[] = [];
  const emit = (record: T): void => {
    queue.push(record);
  };
  const stack: Frame[] = [];
  let rootChecked = false;
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    if (!rootChecked) {
      rootChecked = true;
      if (!rootNames.includes(name)) {
        throw new ImportFormatError(
          `the file starts with <${tag.name}>, not <${rootNames.join('> or <')}>: is it the right format?`,
          parser.line,
        );
      }
    }
    const top = stack.at(-1);
    if (top !== undefined) {
      top.hasChildren = true;
      top.text = '';
    }
    stack.push({ text: '', hasChildren: false });
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(tag.attributes) as [string, unknown][]) {
      if (typeof value === 'string') attributes[localName(key)] = own(value);
    }
    handler.open(name, attributes, emit);
  });
  const addText = (text: string): void => {
    const top = stack.at(-1);
    if (top !== undefined && !top.hasChildren) top.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', (tag) => {
    const frame = stack.pop();
    handler.close(localName(tag.name), own(frame?.text ?? ''), emit);
  });

  // Chunks may split a UTF-8 sequence: decode across them.
  const decoder = new StringDecoder('utf8');
  let started = false;
  const feed = (chunk: string): void => {
    try {
      parser.write(chunk);
    } catch (error) {
      throw asFormatError(error, parser.line);
    }
  };
  for await (const raw of input) {
    let chunk = typeof raw === 'string' ? raw : decoder.write(raw);
    if (!started) {
      // Before the document: a BOM, blank lines, or junk some exporters leave.
      const at = chunk.indexOf('<');
      if (at === -1) continue;
      chunk = chunk.slice(at);
      started = true;
    }
    feed(chunk);
    yield* queue.splice(0);
  }
  const rest = decoder.end();
  if (started && rest !== '') feed(rest);
  if (!started) throw new ImportFormatError('the file is empty or has no XML in it');
  try {
    parser.close();
  } catch (error) {
    throw asFormatError(error, parser.line);
  }
  handler.end?.(emit);
  yield* queue.splice(0);
}

function asFormatError(error: unknown, line: number): Error {
  if (error instanceof ImportFormatError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const match = /^(?:[^:]*:)?(\d+):(\d+): (.*)$/s.exec(message);
  if (match?.[1] !== undefined && match[3] !== undefined) {
    return new ImportFormatError(`not well-formed XML: ${match[3]}`, Number(match[1]));
  }
  return new ImportFormatError(`not well-formed XML: ${message}`, line);
}
