export { apicurioV2Url, avroConverterConfig, UnsupportedRegistry } from './avro-converter.js';
export { awaitConnectorRunning, ConnectorFailed, ConnectorNotRunning } from './await-connector.js';
export { type ConnectorHealth, type ConnectorState, type ConnectorStatus, connectorHealth, type WorkerState } from './connector-status.js';
export {
  type ConnectorConfig,
  ConnectRequestRejected,
  ConnectUnreachable,
  KafkaConnect,
  type KafkaConnectOptions,
} from './kafka-connect.js';
export { databaseConfig, type OutboxConnectorSpec, outboxConnectorConfig, replicationNames, routedByValue } from './outbox-connector.js';
export { type CdcClients, deployOutboxConnector, removeOutboxConnector } from './outbox-deployment.js';
export { awaitSlotActive, dropPublication, dropReplicationSlot, replicationSlot, type SlotState } from './replication-slot.js';
