export { type ClientTools, ensureClientTools } from './client-tools.js';
export { loadStackConfig, type StackConfig } from './config.js';
export { connectGroup } from './connect-worker.js';
export { ensureSchemathesis, schemathesis } from './contract-tools.js';
export { crashService, type FaultTarget, NotStartedByStack, pauseService, resumeService, startService, stopService } from './faults.js';
export { kafkaAddresses, kafkaLane, kafkaLaneCount } from './kafka-cluster.js';
export { type KeyedRecord, readCommittedWithJava } from './kafka-reader.js';
export { ensureKafkaTools, type KafkaTools } from './kafka-tools.js';
export { KafkaLink } from './links/kafka-link.js';
export { type KafkaApi, kafkaApis, type RequestHeader } from './links/kafka-protocol.js';
export type { ArmedRule, KafkaAction, KafkaRule, RuleMatch } from './links/kafka-rules.js';
export { type Direction, type Inspector, Link, type LinkState, type Target, type Verdict } from './links/link.js';
export { pollUntil } from './process.js';
export type { ProcessName, ServiceName } from './service.js';
export { connectWorkerPid } from './services/connect.js';
export {
  followedServiceNames,
  isStackExtra,
  type Outcome,
  runningExtras,
  ServiceFailed,
  type StackExtra,
  serviceNames,
  services,
  stackDown,
  stackExtras,
  stackReset,
  stackServiceNames,
  stackStatus,
  stackUp,
} from './stack.js';
export { ensureZipkinServer, freePort, startZipkinServer, ZIPKIN_VERSION, type ZipkinServer } from './zipkin-server.js';
