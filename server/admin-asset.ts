/**
 * @module admin-asset
 * Loads the built moderation app (`dist/admin/admin.js`, see rollup.config.js) once, at
 * start-up, with its precompressed variants and ETag, as `bootstrap.ts` does for the widget.
 * The app is one file: it has no lazily loaded chunks.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { AdminAsset } from './deps.js';

// Compiled: dist/server/admin-asset.js -> dist/admin. From source: server/ -> dist/admin.
const CANDIDATES = ['../admin/admin.js', '../dist/admin/admin.js'];

/** The built `/admin` app, or undefined when it is not built (the page then says so). */
export function loadAdmin(path?: string): AdminAsset | undefined {
  const file =
    path ??
    CANDIDATES.map((p) => fileURLToPath(new URL(p, import.meta.url))).find((p) => existsSync(p));
  if (file === undefined || !existsSync(file)) return undefined;
  const js = readFileSync(file);
  const mapFile = `${file}.map`;
  return {
    js,
    gzip: gzipSync(js, { level: 9 }),
    brotli: brotliCompressSync(js, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    etag: `"${createHash('sha256').update(js).digest('base64url').slice(0, 27)}"`,
    sourceMap: existsSync(mapFile) ? readFileSync(mapFile) : undefined,
  };
}
