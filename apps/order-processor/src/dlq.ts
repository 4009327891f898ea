// `npm run dlq -- list|replay`: inspect and re-drive the commands order-processor dead-lettered.
import { parseArgs } from 'node:util';
import { loadProcessorConfig } from '@ouro/config';
import { createKafka, type DeadLetterTopic, listDeadLetters, replayDeadLetters, type StoredDeadLetter } from '@ouro/messaging';

const usage = `Usage: npm run dlq -- <command> [options]

  list [--json]                 every dead letter: where it sits, why, where it came from, replayed or not
  replay [--json]               re-drive every letter not replayed yet to the topic it came from (once)
  replay --offset P/O [...]     re-drive exactly these letters (dead-letter partition/offset), replayed or not

Topics come from the environment (ORDERS_COMMANDS_TOPIC, ORDERS_DLQ_TOPIC; see README).`;

function row(letter: StoredDeadLetter): Record<string, string> {
  return {
    letter: `${letter.dlqPartition}/${letter.dlqOffset}`,
    orderId: letter.key ?? '',
    reason: letter.reason,
    source: `${letter.topic}/${letter.partition}/${letter.offset}`,
    attempts: String(letter.attempts),
    failedAt: letter.failedAt,
    replayed: letter.replayed ? 'yes' : 'no',
    error: letter.error.length > 80 ? `${letter.error.slice(0, 79)}…` : letter.error,
  };
}

function table(rows: readonly Record<string, string>[]): string {
  const first = rows[0];
  if (!first) return '(none)';
  const columns = Object.keys(first);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((entry) => (entry[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), ...rows.map((entry) => line(columns.map((column) => entry[column] ?? '')))].join('\n');
}

function parseOffsets(values: readonly string[]): { partition: number; offset: string }[] {
  return values.map((value) => {
    const match = /^(\d+)\/(\d+)$/.exec(value);
    if (!match?.[1] || !match[2]) throw new Error(`--offset takes partition/offset of the dead-letter topic, e.g. 0/12 (got "${value}")`);
    return { partition: Number(match[1]), offset: match[2] };
  });
}

const json = (letters: readonly StoredDeadLetter[]) =>
  JSON.stringify(
    letters.map(({ value, headers, originalHeaders, ...letter }) => ({ ...letter, valueBase64: value?.toString('base64') ?? null })),
    null,
    2,
  );

async function main(argv: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { json: { type: 'boolean' }, offset: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
  });
  const config = loadProcessorConfig();
  const source: DeadLetterTopic = {
    kafka: createKafka({ brokers: config.kafkaBrokers, clientId: 'ouro-dlq' }),
    topic: config.deadLetterTopic,
  };
  switch (positionals[0]) {
    case 'list': {
      const letters = await listDeadLetters(source);
      console.log(values.json ? json(letters) : `${config.deadLetterTopic}: ${letters.length} dead letter(s)\n${table(letters.map(row))}`);
      return 0;
    }
    case 'replay': {
      const only = values.offset ? parseOffsets(values.offset) : undefined;
      const replayed = await replayDeadLetters(source, only ? { only } : {});
      console.log(values.json ? json(replayed) : `re-drove ${replayed.length} dead letter(s)\n${table(replayed.map(row))}`);
      return 0;
    }
    default:
      console.log(usage);
      return values.help ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
