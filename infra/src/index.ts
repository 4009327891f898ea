export { loadStackConfig, type StackConfig } from './config.js';
export type { ServiceName } from './service.js';
export { serviceNames, services, stackDown, stackStatus, stackUp } from './stack.js';
