import type { Deployment } from '@ouro/harness';
import type { Writer } from './fault-catalog.js';

/** Ouro's writer is its order-processor: killed, a new member takes its partitions; frozen, it wakes up a zombie. */
export function ouroWriter(deployment: Deployment, name = 'order-processor'): Writer {
  return {
    name,
    crash: async () => {
      const victim = await deployment.removeProcessor('SIGKILL');
      const successor = await deployment.addProcessor();
      return `${victim ?? 'none'} → ${successor}`;
    },
    freeze: async (ms) => {
      const [label] = deployment.processorLabels;
      if (!label) return 'no processor';
      await deployment.pauseProcessor(label, ms);
      return label;
    },
  };
}
