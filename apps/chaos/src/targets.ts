import { type Connections, loadConnections } from '@ouro/config';
import { kafkaAddresses, loadStackConfig, type StackConfig } from '@ouro/infra';
import type { Scenario } from './scenarios.js';

/** The three-node Kafka cluster the cluster scenario runs on, beside the stack (CHAOS_KAFKA_BROKERS). */
export function clusterStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  return loadStackConfig({ ...env, KAFKA_BROKERS: env.CHAOS_KAFKA_BROKERS ?? '127.0.0.1:27092', KAFKA_NODES: '3' });
}

/** Where a scenario runs: the apps' connections, and the stack whose services its faults hit. */
export function scenarioTarget(
  scenario: Scenario,
  stack: StackConfig,
  cluster: StackConfig | undefined,
): { connections: Connections; stack: StackConfig } {
  if (!scenario.cluster) return { connections: loadConnections(), stack };
  if (!cluster) throw new Error(`${scenario.name} runs on the three-node cluster, which is not up`);
  return { connections: { ...loadConnections(), kafkaBrokers: kafkaAddresses(cluster) }, stack: cluster };
}
