export { type Namespace, provisionNamespace } from './namespace.js';
export { catalogFor, provision, provisionTopics, type TopicPlan, topicPlanFromEnv } from './provision.js';
export { type Replication, replicationFor } from './replication.js';
