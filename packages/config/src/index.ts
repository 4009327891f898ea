export { ConfigError, type Connections, connectionDefaults, type HostPort, loadConnections, parseHostPort } from './connections.js';
