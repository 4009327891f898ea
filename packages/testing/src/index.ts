export { eventually } from './eventually.js';
export { stackEnv } from './stack-env.js';
export { uniqueName } from './unique-name.js';
