import { defineConfig } from 'drizzle-kit';

// `pnpm --filter @ouro/db generate` writes a new SQL migration after a change to src/schema.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './migrations',
});
