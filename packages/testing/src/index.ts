export { type AppName, type RunningApp, startApp } from './app-process.js';
export { eventually } from './eventually.js';
export { hasCaughtUp, type ReadRecord, readToEnd, waitForGroupToCatchUp } from './kafka.js';
export { stackEnv } from './stack-env.js';
export { uniqueName } from './unique-name.js';
