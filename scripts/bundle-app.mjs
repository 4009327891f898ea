// `turbo run build` for an app: one ESM bundle in dist/main.js that runs on plain Node, no tsx, and,
// when the app has one, dist/instrumentation.js: tracing, loaded with `node --import` before main.js.
// Workspace packages (TypeScript sources) are bundled in; npm dependencies stay external, resolved
// from the app's node_modules at run time (some, like @fastify/swagger-ui, read their own files).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const appDir = process.cwd();
const manifest = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));
const external = Object.keys(manifest.dependencies ?? {}).filter((name) => !name.startsWith('@ouro/'));

const entries = ['main', 'instrumentation'].filter((name) => existsSync(join(appDir, `src/${name}.ts`)));

await build({
  entryPoints: entries.map((name) => ({ in: join(appDir, `src/${name}.ts`), out: name })),
  outdir: join(appDir, 'dist'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external,
  // Bundled CommonJS dependencies of workspace packages may call require().
  banner: {
    js: "import { createRequire as __ouroCreateRequire } from 'node:module'; const require = __ouroCreateRequire(import.meta.url);",
  },
  logLevel: 'info',
});
