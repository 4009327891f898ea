import { propagation, SpanKind, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ChunkInfo } from '@ouro/messaging';
import { describe, expect, it } from 'vitest';
import { tracingObserver } from './tracing.js';

// The apps' SDK registers W3C trace context as the propagator; the observer reads headers through it.
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const exporter = new InMemorySpanExporter();
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer('test');
const traceparent = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;
const message = (partition: number, offset: string, key: string, traceId: string, spanId: string) => ({
  partition,
  offset,
  key,
  headers: { traceparent: Buffer.from(traceparent(traceId, spanId)) },
});

async function processed(chunk: ChunkInfo) {
  exporter.reset();
  await tracingObserver(tracer).around?.(chunk, async () => {});
  const [span] = exporter.getFinishedSpans();
  if (!span) throw new Error('no span');
  return span;
}

describe('the chunk span', () => {
  it("links to each message's own trace, naming its order, partition and offset, and is no one's child when the chunk holds several", async () => {
    // given a transaction of partition group 2 over two of its partitions
    const span = await processed({
      topic: 'orders.commands',
      group: 2,
      messages: [message(5, '7', 'order-a', 'a'.repeat(32), '1'.repeat(16)), message(2, '8', 'order-b', 'b'.repeat(32), '2'.repeat(16))],
    });

    expect(span.name).toBe('process orders.commands');
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.links.map((link) => [link.context.traceId, link.context.spanId, link.attributes])).toEqual([
      [
        'a'.repeat(32),
        '1'.repeat(16),
        { 'messaging.destination.partition.id': '5', 'messaging.kafka.offset': 7, 'ouro.order.id': 'order-a' },
      ],
      [
        'b'.repeat(32),
        '2'.repeat(16),
        { 'messaging.destination.partition.id': '2', 'messaging.kafka.offset': 8, 'ouro.order.id': 'order-b' },
      ],
    ]);
    expect(span.attributes).toMatchObject({
      'messaging.batch.message_count': 2,
      'ouro.partition_group': 2,
      'ouro.kafka.partitions': [2, 5],
      'ouro.order.ids': ['order-a', 'order-b'],
    });
    // the conventions' single partition would be a lie here
    expect(span.attributes['messaging.destination.partition.id']).toBeUndefined();
  });

  it("is the message's child when the chunk holds one: its order reads as one trace", async () => {
    const span = await processed({
      topic: 'orders.commands',
      group: 0,
      messages: [message(3, '3', 'order-c', 'c'.repeat(32), '3'.repeat(16))],
    });

    expect(span.spanContext().traceId).toBe('c'.repeat(32));
    expect(span.attributes['messaging.destination.partition.id']).toBe('3');
    expect(span.parentSpanContext?.spanId).toBe('3'.repeat(16));
  });

  it('ignores a message without a valid trace context, and marks a failed attempt as an error', async () => {
    exporter.reset();
    const failing = tracingObserver(tracer).around?.(
      { topic: 't', group: 0, messages: [{ partition: 0, offset: '1', key: 'k', headers: { traceparent: 'nonsense' } }] },
      async () => {
        throw new Error('the transaction did not commit');
      },
    );
    await expect(failing).rejects.toThrow('the transaction did not commit');
    const [span] = exporter.getFinishedSpans();
    expect(span?.links).toEqual([]);
    expect(span?.status).toMatchObject({ code: 2, message: 'the transaction did not commit' });
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
