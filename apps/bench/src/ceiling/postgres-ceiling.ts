// PostgreSQL's ceiling on this machine for Ouro's rows: the processor's own insert driven by
// pgbench, and COPY (the bulk-load bound), in a schema of their own with a copy of `orders`.
import { once } from 'node:events';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { persistOrdersQuery } from '@ouro/db';
import type { ClientTools } from '@ouro/infra';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { CpuMeter } from './cpu.js';
import { copyColumns, copyCsvLines, pgbenchInsertScript } from './pgbench-script.js';
import { type PgbenchFigures, parsePgbench, parsePsqlCopy } from './postgres-output.js';
import type { StoredOrder } from './record-sizes.js';
import { runTool } from './tool-process.js';

// node-postgres's own serialisation of a parameter: what the processor's driver puts on the wire.
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(value: unknown): string };

export interface PostgresCeilingPlan {
  readonly seconds: number;
  readonly copyRows: number;
}

export interface PostgresCeiling {
  readonly insert: PgbenchFigures & { readonly rowsPerStatement: number; readonly rowsPerSec: number; readonly rowBytes: number };
  readonly copy: { readonly rows: number; readonly ms: number; readonly rowsPerSec: number };
  readonly commands: readonly string[];
}

interface PostgresCeilingInput {
  readonly root: string;
  readonly tools: Pick<ClientTools, 'pgbench' | 'psql'>;
  readonly databaseUrl: string;
  /** Rows the processor stored in this run: their values, their size. */
  readonly sample: { readonly orders: readonly StoredOrder[]; readonly rowBytes: number };
  /** Ouro's chunk: rows per statement. */
  readonly batchSize: number;
  /** The processor's transactions in flight at once (one per partition group, PROCESSOR_PARTITION_GROUPS): pgbench clients. */
  readonly clients: number;
  readonly schema: string;
  readonly plan: PostgresCeilingPlan;
  readonly workDir: string;
  readonly cpu: CpuMeter;
  readonly say: (text: string) => void;
}

export async function measurePostgresCeiling(input: PostgresCeilingInput): Promise<PostgresCeiling> {
  const { root, tools, databaseUrl, sample, batchSize, clients, schema, plan, workDir, cpu, say } = input;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  // The statement names `orders` unqualified, as the processor's does: the search path points it at the copy.
  const env = { PGOPTIONS: `-c search_path=${schema}` };
  const aliases = { [databaseUrl]: '"$DATABASE_URL"' };
  const commands: string[] = [];
  try {
    const setup = `create schema ${schema}; create table ${schema}.orders (like public.orders including all)`;
    await client.query(setup);
    commands.push(`${tools.psql} "$DATABASE_URL" -c '${setup}'`);
    mkdirSync(workDir, { recursive: true });

    const rows = Array.from({ length: batchSize }, (_, index) => sample.orders[index % sample.orders.length] as StoredOrder).map(
      (order, index) => ({ ...order, items: [...order.items], id: uuidv7(), requestEventId: uuidv7(), sourceOffset: index }),
    );
    const { script, variables } = pgbenchInsertScript(
      persistOrdersQuery(rows),
      { ids: rows.map((row) => row.id), eventIds: rows.map((row) => row.requestEventId), offsets: rows.map((row) => row.sourceOffset) },
      prepareValue,
    );
    const scriptFile = join(workDir, 'persist-orders.pgbench.sql');
    writeFileSync(scriptFile, script);
    say(`  pgbench: the processor's insert, ${batchSize} rows per statement, ${clients} clients, ${plan.seconds}s`);
    const insert = await cpu.around(
      "ceiling · pgbench, the processor's insert",
      async () => {
        const run = await runTool(
          root,
          tools.pgbench,
          [
            '-n',
            '-M',
            'extended',
            '-c',
            String(clients),
            '-j',
            '1',
            '-T',
            String(plan.seconds),
            '-r',
            '-f',
            scriptFile,
            ...Object.entries(variables).flatMap(([name, value]) => ['-D', `${name}=${value}`]),
            databaseUrl,
          ],
          { env, aliases, keep: join(workDir, 'pgbench.txt') },
        );
        commands.push(`PGOPTIONS='${env.PGOPTIONS}' ${run.command}`);
        const figures = parsePgbench(run.stdout);
        if (figures.failed > 0) throw new Error(`pgbench: ${figures.failed} transactions failed:\n${run.stderr.slice(-1_000)}`);
        return figures;
      },
      (figures) => figures.transactions * batchSize,
    );
    const insertRowsPerSec = Math.round(insert.tps * batchSize);
    say(`    ${insertRowsPerSec} rows/s (${insert.tps.toFixed(1)} statements/s)`);

    const csv = join(workDir, 'orders.csv');
    const out = createWriteStream(csv);
    for (const line of copyCsvLines(sample.orders, plan.copyRows, uuidv7)) {
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await finished(out);
    commands.push(
      `# ${csv.replaceAll(`${root}/`, '')}: ${plan.copyRows.toLocaleString('en')} rows, this run's stored rows over and over with fresh ids (copyCsvLines); removed after the COPY`,
    );
    say(`  COPY: ${plan.copyRows.toLocaleString('en')} rows`);
    const copy = await cpu.around(
      'ceiling · COPY',
      async () => {
        const run = await runTool(
          root,
          tools.psql,
          [
            '-X',
            '-v',
            'ON_ERROR_STOP=1',
            '-c',
            '\\timing on',
            '-c',
            `\\copy orders (${copyColumns.join(', ')}) from '${csv}' with (format csv)`,
            databaseUrl,
          ],
          { env, aliases, keep: join(workDir, 'psql-copy.txt') },
        );
        commands.push(`PGOPTIONS='${env.PGOPTIONS}' ${run.command}`);
        const { rows: copied, ms } = parsePsqlCopy(run.stdout);
        return { rows: copied, ms, rowsPerSec: Math.round(copied / (ms / 1000)) };
      },
      (figures) => figures.rows,
    );
    rmSync(csv, { force: true });
    say(`    ${copy.rowsPerSec} rows/s`);

    return {
      insert: { ...insert, rowsPerStatement: batchSize, rowsPerSec: insertRowsPerSec, rowBytes: sample.rowBytes },
      copy,
      commands,
    };
  } finally {
    await client
      .query(`drop schema if exists ${schema} cascade`)
      .catch((error: unknown) => say(`  could not drop schema ${schema}: ${(error as Error).message}`));
    await client.end();
  }
}
