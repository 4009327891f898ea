export { loadStackConfig, type StackConfig } from './config.js';
export { crashService, type FaultTarget, NotStartedByStack, startService, stopService } from './faults.js';
export { kafkaAddresses } from './kafka-cluster.js';
export type { ProcessName, ServiceName } from './service.js';
export { type Outcome, ServiceFailed, serviceNames, services, stackDown, stackReset, stackStatus, stackUp } from './stack.js';
