import { describe, expect, it } from 'vitest';
import { displayCommand } from './tool-process.js';

describe('displayCommand', () => {
  it('shows paths from the repository and quotes what a shell would expand or split', () => {
    expect(
      displayCommand('/repo', 'java', ['-cp', '/repo/.stack/kafka-tools/libs/*', 'org.apache.kafka.tools.EndToEndLatency', 'a b']),
    ).toBe("java -cp '.stack/kafka-tools/libs/*' org.apache.kafka.tools.EndToEndLatency 'a b'");
  });

  it('names an aliased argument instead of showing it, and gives a bulky one by its size', () => {
    const shown = displayCommand('/repo', 'pgbench', ['-D', `p4=${'x'.repeat(2_000)}`, 'postgres://ouro:secret@127.0.0.1/ouro'], {
      'postgres://ouro:secret@127.0.0.1/ouro': '"$DATABASE_URL"',
    });

    expect(shown).toBe('pgbench -D p4=<2003 characters> "$DATABASE_URL"');
  });

  it('shows a long argument that is not bulk in full, quoted, so that the command runs again as shown', () => {
    const copy = `\\copy orders (${'column, '.repeat(25)}id) from '/repo/.stack/orders.csv' with (format csv)`;

    expect(displayCommand('/repo', 'psql', ['-c', copy])).toBe(`psql -c '${copy.replaceAll("'", `'\\''`).replace('/repo/', '')}'`);
  });

  it('shows every argument in full when asked to', () => {
    expect(displayCommand('/repo', 'pgbench', ['-D', `p4=${'x'.repeat(2_000)}`], {}, Number.POSITIVE_INFINITY)).toBe(
      `pgbench -D p4=${'x'.repeat(2_000)}`,
    );
  });
});
