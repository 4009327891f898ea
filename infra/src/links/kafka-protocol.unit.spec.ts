import { describe, expect, it } from 'vitest';
import { FrameReader, requestHeader, responseCorrelationId } from './kafka-protocol.js';

/** A request frame as a client writes it: size, API key, version, correlation id, client id, body. */
function request(apiKey: number, correlationId: number, clientId: string | null, body = Buffer.from([1, 2, 3])): Buffer {
  const id = clientId === null ? Buffer.alloc(0) : Buffer.from(clientId);
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(3, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId === null ? -1 : id.length, 8);
  const payload = Buffer.concat([header, id, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

describe('Kafka frames', () => {
  it('are cut whole from a stream however it is split, an incomplete tail kept for the next chunk', () => {
    const frames = [request(26, 7, 'order-processor'), request(0, 8, 'order-api'), request(3, 9, null)];
    const stream = Buffer.concat(frames);
    const reader = new FrameReader();

    const cut = [stream.subarray(0, 3), stream.subarray(3, 30), stream.subarray(30, 31), stream.subarray(31)].flatMap((chunk) =>
      reader.push(chunk),
    );

    expect(cut).toEqual(frames);
  });

  it("name the request's API, version, correlation id and client id", () => {
    expect(requestHeader(request(26, 7, 'order-processor'))).toEqual({
      apiKey: 26,
      api: 'EndTxn',
      apiVersion: 3,
      correlationId: 7,
      clientId: 'order-processor',
    });
    expect(requestHeader(request(99, 1, null))).toMatchObject({ api: undefined, clientId: null });
  });

  it("read a response's correlation id", () => {
    const response = Buffer.alloc(12);
    response.writeInt32BE(8, 0);
    response.writeInt32BE(42, 4);

    expect(responseCorrelationId(response)).toBe(42);
  });
});
