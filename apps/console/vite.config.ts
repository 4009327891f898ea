import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The front end: Preact through Vite's own JSX transform (no Babel plugin needed), built into
// dist/public, which the console's server serves. `npm start` runs the build through turbo.
export default defineConfig({
  root: resolve(import.meta.dirname, 'src/web'),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: resolve(import.meta.dirname, 'dist/public'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 200,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3100' } },
});
