export { apicurioV2Url, avroConverterConfig, UnsupportedRegistry } from './avro-converter.js';
export {
  awaitConnectorGone,
  awaitConnectorRunning,
  awaitConnectorStopped,
  ConnectorFailed,
  ConnectorNotRunning,
} from './await-connector.js';
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
export { createOutboxTable, deleteOutboxRows, insertOutboxRows, type OutboxRow, type Queryable } from './outbox-table.js';
export {
  awaitSlotActive,
  currentWalPosition,
  dropPublication,
  dropReplicationSlot,
  replicationSlot,
  type SlotState,
  slotConfirmedPast,
} from './replication-slot.js';
