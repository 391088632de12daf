/**
 * A stand-in for the built widget in a temporary folder: an entry that imports one lazy
 * chunk, each with a source map, named as rollup names them. The server tests check how
 * the server serves these files, so they need no widget build (`npm run test:server`
 * works in a fresh checkout).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_CHUNK = 'confab-sign-in-1a2b3c4d.js';

/** Writes `confab.js` and its chunk into `dir`; returns the entry's path for `loadWidget`. */
export function writeWidgetFixture(dir: string): string {
  const entry = join(dir, 'confab.js');
  const body = `customElements.define('confab-thread', class extends HTMLElement {});\n`;
  writeFileSync(entry, `${body.repeat(40)}import("./${FIXTURE_CHUNK}");\n`);
  writeFileSync(`${entry}.map`, JSON.stringify({ version: 3, file: 'confab.js', mappings: '' }));
  const chunk = join(dir, FIXTURE_CHUNK);
  writeFileSync(chunk, `export const signIn = () => 'sign in';\n`.repeat(30));
  writeFileSync(`${chunk}.map`, JSON.stringify({ version: 3, file: FIXTURE_CHUNK, mappings: '' }));
  return entry;
}
