// Prints what a page downloads from the server to show a thread with its form: the
// widget bundle (Lit included), raw, gzip and brotli. The budget is 12 KB brotli.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET = 12 * 1024;
const files = ['dist/widget/confab.js'];
let total = 0;
for (const file of files) {
  const raw = readFileSync(file);
  const gz = gzipSync(raw, { level: 9 }).length;
  const br = brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
  total += br;
  console.log(`${file}: ${raw.length} B raw, ${gz} B gzip, ${br} B brotli`);
}
console.log(`first render total: ${total} B brotli (budget ${BUDGET} B)`);
if (total > BUDGET) {
  console.error('over budget');
  process.exit(1);
}
