// Running the apps and naming deployments live in @ouro/app-runner (chaos and bench use them too).
export {
  type AppName,
  appIsReady,
  type LogLine,
  listening,
  type ReadyWhen,
  type RunningApp,
  type StartOptions,
  startApp,
  startCommand,
  startScript,
  uniqueName,
} from '@ouro/app-runner';
export { eventually } from './eventually.js';
export { hasCaughtUp, type ReadRecord, readToEnd, waitForGroupToCatchUp } from './kafka.js';
export { type LoggedLine, loggedLines, waitForLog } from './logs.js';
export { stackEnv } from './stack-env.js';
