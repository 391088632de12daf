// Builds the widget into ES modules served by the server: the entry `/confab.js` (the
// thread and its form, Lit included) and lazily loaded chunks `/confab-<name>-<hash>.js`
// (the sign-in UI) that import Lit back from the entry.
import { readdirSync, rmSync } from 'node:fs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

/**
 * Squeezes the indentation out of the widget's Lit `html` and `css` templates (prettier
 * keeps it in the source), and what else HTML and CSS can do without: spaces around CSS
 * punctuation, the last `;` of a rule, quotes around one-word values, the `/` of `/>`.
 * Terser never looks inside template literals, and the bundle has a 12 KB brotli budget.
 * A template's newlines move out of it, into the JavaScript just after it (after its
 * closing backtick, or its next `${`), so line numbers and the source map still hold.
 */
function squeezeTemplates() {
  return {
    name: 'squeeze-templates',
    transform(code, id) {
      if (!id.includes('/widget/')) return null;
      const quasis = [];
      const walk = (node) => {
        if (Array.isArray(node)) return node.forEach(walk);
        if (!node || typeof node.type !== 'string') return;
        const tag = node.type === 'TaggedTemplateExpression' && node.tag.name;
        if (tag === 'html' || tag === 'css')
          for (const q of node.quasi.quasis) quasis.push([q, tag]);
        for (const key in node) if (node[key] && typeof node[key] === 'object') walk(node[key]);
      };
      walk(this.parse(code));
      quasis.sort(([a], [b]) => b.start - a.start);
      for (const [q, tag] of quasis) {
        let raw = code.slice(q.start, q.end);
        const newlines = raw.split('\n').length - 1;
        // In HTML, as in CSS, a run of white space with a newline in it is one space.
        raw = raw.replace(/[ \t]*\n\s*/g, ' ');
        if (tag === 'css') {
          raw = raw
            .trim()
            .replace(/ ?([{};:,]) ?/g, '$1')
            .replace(/;}/g, '}')
            .replace(/='([a-z][\w-]*)'\]/g, '=$1]')
            .replace(/([^\w.#-])0\.(\d)/g, '$1.$2');
        } else {
          raw = raw
            .replace(/ ?\/>/g, '>')
            .replace(/ >/g, '>')
            .replace(/(\s[\w-]+=)"([\w-]+)"/g, '$1$2');
        }
        const after = q.end + (q.tail ? 1 : 2);
        code =
          code.slice(0, q.start) +
          raw +
          code.slice(q.end, after) +
          '\n'.repeat(newlines) +
          code.slice(after);
      }
      return { code, map: null };
    },
  };
}

/**
 * Takes out of Lit's production build what the widget never uses, for the size budget:
 * - the hooks through which a page's ShadyDOM polyfill or Lit SSR hydration would patch
 *   every copy of Lit it finds (the widget needs neither, and is better off untouched by
 *   whatever Lit setup the host page has);
 * - the global lists of loaded Lit versions, read only by Lit's dev-mode warnings;
 * - standard (TC39) decorator support: `Symbol.metadata`, `addInitializer`. The widget
 *   declares `static properties`; tsconfig picks TypeScript's experimental decorators,
 *   which never touch either;
 * - one developer error message.
 * Each edit must match: after a Lit update that changes this code, the build warns and
 * leaves the file as it is (and `npm run size` shows what that costs).
 */
function trimLit() {
  const edits = {
    '/lit-html/lit-html.js': [
      [
        /,(\w+)=\w+\.litHtmlPolyfillSupport;\1\?\.\(\w+,\w+\),\(\w+\.litHtmlVersions\?\?=\[\]\)\.push\("[\d.]+"\);/,
        ';',
      ],
    ],
    '/@lit/reactive-element/reactive-element.js': [
      [
        /,(\w+)\?\.\(\{ReactiveElement:\w+\}\),\(\w+\.reactiveElementVersions\?\?=\[\]\)\.push\("[\d.]+"\);/,
        ';',
      ],
      [/Symbol\.metadata\?\?=Symbol\("metadata"\),\w+\.litPropertyMetadata\?\?=new WeakMap;/, ''],
      [
        /const (\w+)=this\[Symbol\.metadata\];if\(null!==\1\)\{const (\w+)=litPropertyMetadata\.get\(\1\);if\(void 0!==\2\)for\(const\[\w+,\w+\]of \2\)this\.elementProperties\.set\(\w+,\w+\)\}/,
        '',
      ],
      [/static addInitializer\(\w+\)\{this\._\$Ei\(\),\(this\.l\?\?=\[\]\)\.push\(\w+\)\}/, ''],
    ],
    '/lit-element/lit-element.js': [
      [
        /,\w+\.litElementHydrateSupport\?\.\(\{LitElement:\w+\}\);const (\w+)=\w+\.litElementPolyfillSupport;\1\?\.\(\{LitElement:\w+\}\);(.*?)\(\w+\.litElementVersions\?\?=\[\]\)\.push\("[\d.]+"\);/,
        ';$2',
      ],
    ],
    '/@lit/reactive-element/css-tag.js': [
      [/throw Error\("CSSResult is not constructable[^"]*"\)/, 'throw Error()'],
    ],
  };
  return {
    name: 'trim-lit',
    transform(code, id) {
      const file = Object.keys(edits).find((f) => id.endsWith('/node_modules' + f));
      if (!file) return null;
      for (const [pattern, replacement] of edits[file]) {
        if (pattern.test(code)) code = code.replace(pattern, replacement);
        else this.warn(`trim-lit: ${file} has changed; ${pattern} found nothing`);
      }
      return { code, map: null };
    },
  };
}

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
    trimLit(),
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
    squeezeTemplates(),
    terser({
      ecma: 2022,
      module: true,
      // Nothing here reads a function's `length`, so unused parameters can go.
      compress: { passes: 3, keep_fargs: false },
      format: { comments: false },
    }),
  ],
};

/**
 * The `/admin` moderation app (admin/): one file, `dist/admin/admin.js`, that only the
 * server's own `/admin` page loads. It shares the widget's pure modules (API client,
 * safe HTML) but not its size budget, so it gets no template squeezing or Lit trimming.
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
