import {
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { ChunkInfo, ProcessorObserver } from '@ouro/messaging';
import type { IHeaders } from 'kafkajs';

const headerGetter: TextMapGetter<IHeaders> = {
  get: (carrier, key) => {
    const value = carrier[key];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.map(String) : value.toString();
  },
  keys: (carrier) => Object.keys(carrier),
};

/** A link to each message's own trace (the request that placed its order), naming the order and where it sits. */
function linksOf(chunk: ChunkInfo): Link[] {
  return chunk.messages.flatMap(({ headers, partition, offset, key }) => {
    const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers, headerGetter));
    if (!spanContext) return [];
    return [
      {
        context: spanContext,
        attributes: {
          'messaging.destination.partition.id': String(partition),
          'messaging.kafka.offset': Number(offset),
          'ouro.order.id': key ?? '',
        },
      },
    ];
  });
}

/**
 * One span per attempt at a transaction (`process <topic>`): what the runtime does inside it (the
 * PostgreSQL statements, the Kafka transaction that writes OrderCreated) are its children, through
 * the instrumentations. A transaction holds the chunks of one partition group, many orders, each
 * with its own trace, so it is linked to each message's trace (messaging conventions for batch
 * consumers), the link naming the message's partition and offset, instead of being a child of one.
 * A chunk of one message is also that message's child: its order then reads as one trace end to end.
 */
export function tracingObserver(tracer: Tracer = trace.getTracer('@ouro/order-processor')): ProcessorObserver {
  return {
    around: <R>(chunk: ChunkInfo, run: () => Promise<R>): Promise<R> => {
      const partitions = [...new Set(chunk.messages.map(({ partition }) => partition))].sort((a, b) => a - b);
      const links = linksOf(chunk);
      const [only] = chunk.messages.length === 1 ? links : [];
      const parent = only ? trace.setSpanContext(context.active(), only.context) : context.active();
      const span = tracer.startSpan(
        `process ${chunk.topic}`,
        {
          kind: SpanKind.CONSUMER,
          links,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'process',
            'messaging.operation.name': 'process',
            'messaging.destination.name': chunk.topic,
            // The messaging conventions' one partition, when the transaction read from one.
            ...(partitions.length === 1 ? { 'messaging.destination.partition.id': String(partitions[0]) } : {}),
            'messaging.batch.message_count': chunk.messages.length,
            'ouro.partition_group': chunk.group,
            'ouro.kafka.partitions': partitions,
            'ouro.order.ids': chunk.messages.map(({ key }) => key ?? ''),
          },
        },
        parent,
      );
      return context.with(trace.setSpan(context.active(), span), run).then(
        (result) => {
          span.end();
          return result;
        },
        (error: unknown) => {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
          span.end();
          throw error;
        },
      );
    },
  };
}
