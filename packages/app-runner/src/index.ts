export {
  type AppName,
  appIsReady,
  type LogLine,
  listening,
  productionNodeOptions,
  type ReadyWhen,
  type RunningApp,
  type StartOptions,
  startApp,
  startCommand,
  startScript,
} from './app-process.js';
export { sourceVersion } from './source-version.js';
export { uniqueName } from './unique-name.js';
