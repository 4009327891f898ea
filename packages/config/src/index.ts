export {
  type ApiConfig,
  type LogLevel,
  loadApiConfig,
  loadProcessorConfig,
  loadTopicConfig,
  type ProcessorConfig,
  type TopicConfig,
} from './apps.js';
export { ConfigError, type Connections, connectionDefaults, type HostPort, loadConnections, parseHostPort } from './connections.js';
export { type Env, integer, oneOf, text } from './read-env.js';
