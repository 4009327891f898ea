/** Kafka topics. Every message is keyed by orderId (UTF-8), so each order's messages stay in order. */
export const topics = Object.freeze({
  /** OrderCreationRequested: written by order-api, read by order-processor (its own events). */
  commands: 'orders.commands',
  /** OrderCreated: written by order-processor in Kafka transactions; read with read_committed. */
  events: 'orders.events',
});

/** The registry subject of a topic's values (topic name strategy). */
export function subjectFor(topic: string): string {
  return `${topic}-value`;
}

export const subjects = Object.freeze({
  commands: subjectFor(topics.commands),
  events: subjectFor(topics.events),
});

/** Which schema each topic's values use, whatever the topics are named in a deployment. */
export const schemaFiles = Object.freeze({
  commands: 'order-creation-requested.avsc',
  events: 'order-created.avsc',
});

/** Kafka headers that travel with every message (W3C trace context). */
export const headers = Object.freeze({
  traceparent: 'traceparent',
  tracestate: 'tracestate',
});
