export {
  type AppName,
  appIsReady,
  type LogLine,
  listening,
  type RunningApp,
  type StartOptions,
  startApp,
  startCommand,
  startScript,
} from './app-process.js';
export { eventually } from './eventually.js';
export { hasCaughtUp, type ReadRecord, readToEnd, waitForGroupToCatchUp } from './kafka.js';
export { type LoggedLine, loggedLines, waitForLog } from './logs.js';
export { createOutboxTable, insertOutboxRows, type OutboxRow } from './outbox-table.js';
export { sourceVersion } from './source-version.js';
export { stackEnv } from './stack-env.js';
export { uniqueName } from './unique-name.js';
