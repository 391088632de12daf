// Builds the widget into one ES module, served by the server at /confab.js.
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

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
      compilerOptions: { noEmit: false, declaration: false, outDir: 'dist/widget', sourceMap: true },
    }),
    terser({ ecma: 2022, module: true, format: { comments: false } }),
  ],
};
