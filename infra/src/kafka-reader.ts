import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { StackConfig } from './config.js';
import { serviceDir } from './paths.js';

/** One record as a reader saw it: where it is, and its key. */
export interface KeyedRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
}

/**
 * Reads `topic` to its end with Kafka's own Java consumer (read_committed), from the jars the stack
 * downloaded for the broker: a second opinion, from a client that shares no code with kafkajs, on
 * which records a read_committed consumer sees.
 */
export function readCommittedWithJava(config: StackConfig, brokers: readonly string[], topic: string): Promise<KeyedRecord[]> {
  const classpath = `${join(serviceDir(config, 'kafka'), 'libs')}/*`;
  const source = join(config.root, 'infra/kafka/tools/ReadCommitted.java');
  return new Promise((resolve, reject) => {
    const child = spawn('java', ['-Xmx256m', '-cp', classpath, source, brokers.join(','), topic], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`the Java read_committed reader of ${topic} failed (exit ${code}): ${err.slice(-2_000)}`));
        return;
      }
      resolve(
        out
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => {
            const [partition, offset, key] = line.split('\t');
            return { partition: Number(partition), offset: Number(offset), key: key === '-' || key === undefined ? null : key };
          }),
      );
    });
  });
}
