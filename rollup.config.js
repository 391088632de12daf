// Builds the widget into one ES module, served by the server at /confab.js.
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

export default {
  input: 'widget/define.ts',
  output: {
    file: 'dist/widget/confab.js',
    format: 'es',
    sourcemap: true,
  },
  plugins: [
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
