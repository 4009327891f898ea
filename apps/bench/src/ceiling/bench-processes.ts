import { kafkaAddresses, type StackConfig } from '@ouro/infra';
import { type ProcessGroup, processes, processTree, reapedChildren, thisProcess } from './cpu.js';
import { listenersByPort, pidsServing } from './stack-processes.js';

/**
 * The processes whose CPU a phase is accounted to: the apps (by the pids the benchmark started),
 * the stack's services (by the ports they serve), the load generator and the benchmark itself.
 */
export function benchProcessGroups(
  stack: StackConfig,
  apps: { readonly orderApi: readonly number[]; readonly processor: readonly number[]; readonly baselines: readonly number[] },
): Record<string, ProcessGroup> {
  const listeners = listenersByPort();
  const port = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));
  const serving = (ports: readonly number[], service: string) => pidsServing(listeners, ports, service);
  const [postmaster] = serving([stack.postgres.port], 'PostgreSQL');
  if (postmaster === undefined) throw new Error('PostgreSQL: no postmaster');
  return {
    'order-api': processes(...apps.orderApi),
    'order-processor': processes(...apps.processor),
    Kafka: processes(...serving(kafkaAddresses(stack).map(port), 'Kafka')),
    'schema registry': processes(...serving([stack.registry.port], 'schema registry')),
    // Every backend, the ones that exit during a phase included (they end up in the postmaster's reaped children).
    PostgreSQL: processTree(postmaster),
    Redis: processes(...serving([stack.redis.port], 'Redis')),
    // The children this process waits for: autocannon's process in a load phase, the tool in a ceiling one.
    'load generator / tool': reapedChildren,
    'bench driver': thisProcess,
    'baseline servers': processes(...apps.baselines),
  };
}
