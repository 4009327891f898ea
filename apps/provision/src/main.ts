// provision: the only module that reads the environment. A deployment runs it once before the apps
// start (the image's `provision` command, a Compose one-shot service, a Helm pre-install/pre-upgrade
// hook). Every step is idempotent, so running it again, or twice at once, changes nothing.
import { loadConnections, oneOf } from '@ouro/config';
import { provision, topicPlanFromEnv } from '@ouro/provisioning';
import { pino } from 'pino';

const logger = pino({ name: 'provision', level: oneOf(process.env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug'], 'info') });

try {
  const replication = await provision((line) => logger.info(line), loadConnections(), topicPlanFromEnv());
  logger.info(replication, 'provisioned');
} catch (error) {
  // A non-zero exit is what fails the Compose dependency and the Helm hook: the apps never start half-provisioned.
  logger.error({ err: error }, 'provisioning failed');
  process.exitCode = 1;
}
