// The container image's /app, assembled from the workspace: the one description of what the image
// holds. The Dockerfile's build stage runs it (`node --import tsx scripts/image-layout.ts /out`) and
// copies /out to /app; scripts/image-layout.e2e.spec.ts runs the same function into a temp dir and
// starts the apps from there, so what is tested is what is shipped.
//
//   <out>/bin/<command>       order-api, order-processor, provision: `exec node` on the app's bundle
//   <out>/<app>/              `pnpm deploy --prod`: package.json, dist/ (the esbuild bundle), node_modules
//                             with the app's production dependencies and nothing else
//   <out>/schemas/            the Avro schemas (@ouro/contracts reads the nearest schemas/ above a bundle)
//   <out>/provision/migrations/  the SQL migrations (@ouro/db reads ../migrations beside the bundle's dist/)
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');

/** The image's commands, each the workspace app it runs. */
export const imageCommands = {
  'order-api': '@ouro/order-api',
  'order-processor': '@ouro/order-processor',
  provision: '@ouro/provision',
} as const;

export type ImageCommand = keyof typeof imageCommands;

/** The files the bundles read at run time, copied where the packages that read them look. */
const runtimeFiles: ReadonlyArray<{ readonly from: string; readonly to: string }> = [
  { from: 'schemas', to: 'schemas' },
  { from: 'packages/db/migrations', to: 'provision/migrations' },
];

/** pnpm as `npm test` installs it (.tools/), else the one on PATH (the Dockerfile's build stage). */
const pnpmCli = join(root, '.tools/node_modules/.bin/pnpm');
const pnpm = existsSync(pnpmCli) ? pnpmCli : 'pnpm';

function run(command: readonly string[], log: (line: string) => void): void {
  const [program = '', ...args] = command;
  log(`$ ${command.join(' ')}`);
  const result = spawnSync(program, args, {
    cwd: root,
    encoding: 'utf8',
    // turbo looks for the package manager on PATH.
    env: {
      ...process.env,
      PATH: [dirname(pnpmCli), join(root, 'node_modules/.bin'), process.env.PATH].join(':'),
      TURBO_TELEMETRY_DISABLED: '1',
      NO_COLOR: '1',
    },
  });
  if (result.status !== 0) {
    throw new Error(`\`${command.join(' ')}\` failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
}

/**
 * The launcher on PATH in the image: `exec` keeps the app as the process tini signals. An app with
 * tracing has its instrumentation loaded first (`--import`), as the instrumented libraries must be
 * hooked before they are imported.
 */
const launcher = (command: ImageCommand, traced: boolean) => {
  // An absolute path: `--import` reads a relative one without `./` as a package name.
  const dist = `"$here/../${command}/dist`;
  return `#!/bin/sh\nhere="$(cd "$(dirname "$0")" && pwd)"\nexec node ${traced ? `--import ${dist}/instrumentation.js" ` : ''}${dist}/main.js" "$@"\n`;
};

/**
 * Builds the apps' bundles and lays out the image's tree in `outDir` (emptied first). pnpm deploy
 * installs each app's production dependencies from the workspace lockfile; it needs the workspace's
 * packages injected (copied) rather than linked, which is asked for this command only, so the
 * development install keeps its links.
 */
export function assembleImageLayout(outDir: string, log: (line: string) => void = () => {}): void {
  if (!isAbsolute(outDir)) throw new Error(`the layout's directory must be absolute, not ${outDir}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'bin'), { recursive: true });
  const packages = Object.values(imageCommands);
  run(
    [join(root, 'node_modules/.bin/turbo'), 'run', 'build', '--output-logs=errors-only', ...packages.map((name) => `--filter=${name}`)],
    log,
  );
  for (const [command, name] of Object.entries(imageCommands) as [ImageCommand, string][]) {
    run([pnpm, '--filter', name, '--config.inject-workspace-packages=true', 'deploy', '--prod', join(outDir, command)], log);
    if (!existsSync(join(outDir, command, 'dist/main.js')))
      throw new Error(`${name} deployed without dist/main.js: is "dist" in its "files"?`);
    writeFileSync(join(outDir, 'bin', command), launcher(command, existsSync(join(outDir, command, 'dist/instrumentation.js'))));
    chmodSync(join(outDir, 'bin', command), 0o755);
  }
  for (const { from, to } of runtimeFiles) cpSync(join(root, from), join(outDir, to), { recursive: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [outDir] = process.argv.slice(2);
  if (!outDir) {
    console.error('usage: node --import tsx scripts/image-layout.ts <absolute output directory>');
    process.exit(2);
  }
  assembleImageLayout(resolve(outDir), console.log);
}
