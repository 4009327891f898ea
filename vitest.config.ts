import { defineConfig } from 'vitest/config';

// Tests are named by scope: *.unit.spec.ts (pure logic, no I/O), *.int.spec.ts (one adapter against
// the real service), *.e2e.spec.ts (the apps together), *.chaos.spec.ts (fault injection: it crashes
// the stack's services, so it runs alone, one file at a time, after the others), *.cdc.spec.ts
// (integration tests that need Kafka Connect with Debezium: they run when the stack runs with
// `--with cdc`, as `npm test` brings it up), *.deploy.spec.ts (the deployment files: the Compose
// file, the Helm chart and its rendered manifests, checked with real parsers and tools; no stack,
// but binaries its global setup installs once into .tools/).
// `vitest run --project unit` runs one scope.
const exclude = ['**/node_modules/**', '**/.stack/**', '**/dist/**'];

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['**/*.unit.spec.ts'], exclude } },
      {
        test: {
          name: 'int',
          include: ['**/*.int.spec.ts'],
          exclude,
          globalSetup: ['infra/src/require-stack.ts', 'scripts/provision-for-tests.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['**/*.e2e.spec.ts'],
          exclude,
          globalSetup: ['infra/src/require-stack.ts', 'scripts/provision-for-tests.ts', 'infra/src/contract-tools-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'cdc',
          include: ['**/*.cdc.spec.ts'],
          exclude,
          globalSetup: ['infra/src/require-cdc.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'deploy',
          include: ['**/*.deploy.spec.ts'],
          exclude,
          globalSetup: ['infra/src/deploy-tools-setup.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'chaos',
          include: ['**/*.chaos.spec.ts'],
          exclude,
          globalSetup: ['infra/src/require-stack.ts', 'scripts/provision-for-tests.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
