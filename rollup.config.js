// Builds the widget into ES modules served by the server: the entry `/confab.js` (the
// thread and its form, Lit included) and lazily loaded chunks `/confab-<name>-<hash>.js`
// (the sign-in box, the guest spam guard, editing one's own comments, the moderator
// tools) that import Lit back from the entry. The only size work is terser's ordinary
// minification; `npm run size` measures what a reader downloads.
import { readdirSync, rmSync } from 'node:fs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const OUT = 'dist/widget';

/**
 * Deletes the chunks of earlier builds: their names carry a content hash, so each build
 * would otherwise add files, and the server serves whatever chunks it finds here.
 */
function cleanChunks() {
  return {
    name: 'clean-chunks',
    generateBundle() {
      let files = [];
      try {
        files = readdirSync(OUT);
      } catch {
        return;
      }
      for (const f of files) if (/^confab-.+\.js(\.map)?$/.test(f)) rmSync(`${OUT}/${f}`);
    },
  };
}

const widget = {
  input: 'widget/define.ts',
  output: {
    dir: OUT,
    format: 'es',
    sourcemap: true,
    entryFileNames: 'confab.js',
    // `confab-<name>-<hash>.js`, which the server serves (hashed, so cached for good); a
    // chunk is named after its module, `confab-sign-in.ts` giving `confab-sign-in-<hash>.js`.
    chunkFileNames: ({ name }) => `confab-${name.replace(/^confab-/, '')}-[hash].js`,
    // [a-z0-9]: what server/bootstrap.ts expects of a chunk's name.
    hashCharacters: 'base36',
  },
  plugins: [
    cleanChunks(),
    nodeResolve({ browser: true }),
    typescript({
      tsconfig: './tsconfig.json',
      include: ['widget/**/*.ts', 'server/contract.ts'],
      compilerOptions: {
        noEmit: false,
        declaration: false,
        outDir: 'dist/widget',
        sourceMap: true,
      },
    }),
    terser({ ecma: 2022, module: true, format: { comments: false } }),
  ],
};

/**
 * The `/admin` moderation app (admin/): one file, `dist/admin/admin.js`, that only the
 * server's own `/admin` page loads. It shares the widget's pure modules (API client,
 * safe HTML) but not its size budget.
 */
const admin = {
  input: 'admin/main.ts',
  output: { file: 'dist/admin/admin.js', format: 'es', sourcemap: true },
  plugins: [
    nodeResolve({ browser: true }),
    typescript({
      tsconfig: './tsconfig.json',
      include: ['admin/**/*.ts', 'widget/**/*.ts', 'server/contract.ts'],
      compilerOptions: {
        noEmit: false,
        declaration: false,
        outDir: 'dist/admin',
        sourceMap: true,
      },
    }),
    terser({ ecma: 2022, module: true, format: { comments: false } }),
  ],
};

export default [widget, admin];
