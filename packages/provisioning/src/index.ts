export { catalogFor, provision } from './provision.js';
