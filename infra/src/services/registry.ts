import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '../config.js';
import { onceFor, requireCommand } from '../install.js';
import { java21Binary, provisionJava21 } from '../java21.js';
import { logFile, pidFile, serviceDir } from '../paths.js';
import { daemonLifecycle, readPid, run, spawnDaemon } from '../process.js';
import type { Service } from '../service.js';

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
  const pom = join(config.root, 'infra/registry/pom.xml');
  const log = logFile(config, 'registry');
  const pid = pidFile(config, 'registry');
  const ownedPid = () => readPid(pid, `-Dquarkus.http.port=${port}`);

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
      await provisionJava21(config, report);
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
        java21Binary(config),
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
    ...daemonLifecycle(pid, ownedPid),
    dataDirs: () => [dataDir],
  };
}
