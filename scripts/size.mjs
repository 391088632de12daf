// Prints what a page downloads from the server to show a thread with its form: the
// widget bundle (Lit included), raw, gzip and brotli; the budget is 12 KB brotli. Then
// each chunk loaded later (the sign-in UI, once the thread shows), which the budget
// does not count.
import { readdirSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET = 12 * 1024;
const DIR = 'dist/widget';

function measure(file) {
  const raw = readFileSync(`${DIR}/${file}`);
  const gz = gzipSync(raw, { level: 9 }).length;
  const br = brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
  console.log(`${DIR}/${file}: ${raw.length} B raw, ${gz} B gzip, ${br} B brotli`);
  return br;
}

const first = measure('confab.js');
console.log(`first render total: ${first} B brotli (budget ${BUDGET} B)`);
const chunks = readdirSync(DIR).filter((f) => /^confab-.+\.js$/.test(f));
let later = 0;
for (const file of chunks) later += measure(file);
console.log(`loaded later (chunks): ${later} B brotli`);
if (first > BUDGET) {
  console.error('over budget');
  process.exit(1);
}
