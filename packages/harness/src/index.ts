export { type Deployed, type DeployOptions, deploy, faultedAppEnv } from './deploy.js';
export { closeLinks, Deployment, type Links, linkedEnvironment, openLinks, pauseProcess, signal, type Topology } from './deployment.js';
export {
  addProcessor,
  crashAndRestart,
  crashApi,
  crashCoordinatorAtCommit,
  crashNode,
  crashProcessor,
  degradeLink,
  type Fault,
  type FaultContext,
  type LinkName,
  loseKafkaReplies,
  pauseApi,
  pauseNode,
  removeProcessor,
  restart,
  zombieProcessor,
} from './faults.js';
export { LoadGenerator, type LoadOptions, type LoadShape, type LoadStats, type Refusal } from './load.js';
