import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'index.node': 'src/index.node.ts',
    browser: 'src/browser.ts',
    openapi: 'src/openapi.ts',
  },
  format: ['esm', 'cjs'],
  // Members marked @internal stay out of the published types.
  dts: { compilerOptions: { stripInternal: true } },
  // Shared chunks keep one copy of each error class per format, so `instanceof` holds across entries.
  splitting: true,
  // Through rollup: without it tsup turns CommonJS chunks into CommonJS with sucrase, which renames
  // classes (`AuthenticationError.name === '_class3'`) and down-levels `?.`, `??` and class fields.
  treeshake: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  // @noble/hashes and eventsource-parser (devDependencies) are bundled in, so the package has no runtime dependencies.
  external: [/^node:/],
  outDir: 'dist',
});
