// Builds the widget into one ES module, served by the server at /confab.js.
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

/**
 * Squeezes the indentation out of the widget's Lit `html` and `css` templates (prettier
 * keeps it in the source), and the spaces around CSS punctuation. Terser never looks
 * inside template literals, and the bundle has a 12 KB brotli budget. Every newline
 * stays (a CSS template's move to its end), so line numbers and the source map hold.
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
        raw = raw.replace(/[ \t]*\n\s*/g, (ws) => ws.replace(/[^\n]/g, ''));
        if (tag === 'css') {
          // CSS needs no newlines: they move to the end, where they cost next to nothing.
          const lines = raw.split('\n');
          raw = lines.join(' ').replace(/ ?([{};:,]) ?/g, '$1');
          raw += '\n'.repeat(lines.length - 1);
        }
        code = code.slice(0, q.start) + raw + code.slice(q.end);
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
    terser({ ecma: 2022, module: true, compress: { passes: 3 }, format: { comments: false } }),
  ],
};
