/**
 * @module import/index
 * `confab import`: the parser for each format, and the one entry point the CLI and the
 * benchmark share (`importFile`), so both measure and run the same code path.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Deps } from '../deps.js';
import { parseCommento } from './commento.js';
import { parseConfab } from './confab.js';
import { parseDisqus } from './disqus.js';
import { parseIsso } from './isso.js';
import {
  IMPORT_FORMATS,
  ImportFormatError,
  type ImportFormat,
  type ImportParser,
} from './record.js';
import { parseRemark42 } from './remark42.js';
import { parseWordpress } from './wordpress.js';
import { importRecords, type ImportOptions, type ImportSummary } from './writer.js';

export const PARSERS: Readonly<Record<ImportFormat, ImportParser>> = {
  wordpress: parseWordpress,
  disqus: parseDisqus,
  isso: parseIsso,
  commento: parseCommento,
  remark42: parseRemark42,
  confab: parseConfab,
};

export function isImportFormat(value: string): value is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

export interface FileImportOptions extends Omit<ImportOptions, 'onProgress'> {
  /** Bytes read so far of the file's total, as it streams. */
  onBytes?: (read: number, total: number) => void;
}

/** Streams `path` through its format's parser into the site, in one transaction. */
export async function importFile(
  deps: Deps,
  path: string,
  options: FileImportOptions,
): Promise<ImportSummary> {
  let total: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ImportFormatError(`${path} is not a file`);
    total = info.size;
  } catch (error) {
    if (error instanceof ImportFormatError) throw error;
    throw new ImportFormatError(`cannot read ${path}: no such file`);
  }
  // Small chunks: a decoded chunk under 128 KB (even as two-byte text) stays in V8's young
  // generation and dies young; bigger ones are large objects that only a full collection
  // frees, and the process's memory swells with them.
  const stream = createReadStream(path, { highWaterMark: 32 * 1024 });
  const { onBytes } = options;
  async function* counted(): AsyncGenerator<Buffer> {
    let read = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      read += chunk.length;
      onBytes?.(read, total);
      yield chunk;
    }
  }
  try {
    return await importRecords(deps, PARSERS[options.format](counted()), options);
  } finally {
    stream.destroy();
  }
}

export { ImportFormatError, IMPORT_FORMATS, type ImportFormat, type ImportSummary };
