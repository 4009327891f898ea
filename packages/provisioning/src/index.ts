export { type Namespace, provisionNamespace } from './namespace.js';
export { catalogFor, provision } from './provision.js';
