/** Kafka topics. Every message is keyed by orderId (UTF-8), so each order's messages stay in order. */
export const topics = Object.freeze({
  /** OrderCreationRequested: written by order-api, read by order-processor (its own events). */
  commands: 'orders.commands',
  /** OrderCreated: written by order-processor in Kafka transactions; read with read_committed. */
  events: 'orders.events',
});

/** Registry subjects, topic name strategy. */
export const subjects = Object.freeze({
  commands: `${topics.commands}-value`,
  events: `${topics.events}-value`,
});

/** Kafka headers that travel with every message (W3C trace context). */
export const headers = Object.freeze({
  traceparent: 'traceparent',
  tracestate: 'tracestate',
});
