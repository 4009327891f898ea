import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { isTracingSuppressed, W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Producer, ProducerBatch } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchingProducer } from './batching-producer.js';

// What an app's tracing SDK sets up: a context manager, W3C propagation, a tracer provider (in memory here).
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
});
afterAll(() => {
  contextManager.disable();
  trace.disable();
  propagation.disable();
  context.disable();
});

describe('BatchingProducer, traced', () => {
  it("gives each record its own caller's trace, whoever's record started the flush, and hides the batch from the Kafka instrumentation", async () => {
    const batches: { batch: ProducerBatch; suppressed: boolean; ack: () => void }[] = [];
    const producer = {
      connect: async () => {},
      disconnect: async () => {},
      sendBatch: (batch: ProducerBatch) =>
        new Promise((resolve) => batches.push({ batch, suppressed: isTracingSuppressed(context.active()), ack: () => resolve([]) })),
    } as unknown as Producer;
    const sender = new BatchingProducer(() => producer);
    const tracer = provider.getTracer('requests');
    const request = (name: string) =>
      tracer.startActiveSpan(name, async (span) => {
        await sender.send({ topic: 'orders.commands', key: name, value: Buffer.from(name) }, { deadline: Date.now() + 5_000 });
        span.end();
        return span.spanContext().traceId;
      });

    // three requests: the first flushes alone, the next two go together in a batch the first's answer starts
    const answers = [request('a'), request('b'), request('c')];
    for (let sent = 1; sent <= 2; sent++) {
      while (batches.length < sent) await new Promise((resolve) => setTimeout(resolve, 2));
      batches[sent - 1]?.ack();
    }
    const traceIds = await Promise.all(answers);

    expect(batches.map(({ batch }) => batch.topicMessages?.[0]?.messages.map((message) => message.key))).toEqual([['a'], ['b', 'c']]);
    expect(batches.every(({ suppressed }) => suppressed)).toBe(true);
    const carried = batches
      .flatMap(({ batch }) => batch.topicMessages?.[0]?.messages ?? [])
      .map((message) => String(message.headers?.traceparent));
    expect(carried.map((header) => header.split('-')[1])).toEqual(traceIds);
    const sends = exporter.getFinishedSpans().filter((span) => span.name === 'send orders.commands');
    expect(sends.map((span) => [span.attributes['messaging.kafka.message.key'], span.spanContext().traceId])).toEqual([
      ['a', traceIds[0]],
      ['b', traceIds[1]],
      ['c', traceIds[2]],
    ]);
    expect(carried.map((header) => header.split('-')[2])).toEqual(sends.map((span) => span.spanContext().spanId));
  });
});
