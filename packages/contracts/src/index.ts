export type { DevOuroOrders as OrderCreatedTypes, OrderCreated } from './generated/order-created.js';
export type { DevOuroOrders as OrderCreationRequestedTypes, OrderCreationRequested } from './generated/order-creation-requested.js';
export { type AvroRecordSchema, type Compatibility, readSchema, type SubjectSpec, schemasDir, subjectCatalog } from './schemas.js';
export { headers, schemaFiles, subjectFor, subjects, topics } from './topics.js';
