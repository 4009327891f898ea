/**
 * Just enough of Kafka's wire protocol to tell requests apart: every frame is a 4-byte size and a
 * body; a request body starts with its API key, version, correlation id and client id, and the
 * response to it starts with the same correlation id.
 */

/** The requests faults are aimed at, by the API keys of the protocol. */
export const kafkaApis = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  ApiVersions: 18,
  InitProducerId: 22,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
} as const;

export type KafkaApi = keyof typeof kafkaApis;

const apiNames = new Map<number, KafkaApi>(Object.entries(kafkaApis).map(([name, key]) => [key, name as KafkaApi]));

export interface RequestHeader {
  readonly apiKey: number;
  /** The API's name when it is one of `kafkaApis`. */
  readonly api: KafkaApi | undefined;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
}

/** Cuts a byte stream into whole frames (size prefix included), keeping an incomplete tail for later. */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: Buffer[] = [];
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (size < 0 || this.buffered.length < 4 + size) break;
      frames.push(this.buffered.subarray(0, 4 + size));
      this.buffered = this.buffered.subarray(4 + size);
    }
    return frames;
  }
}

/** The header of a request frame (size prefix included). */
export function requestHeader(frame: Buffer): RequestHeader {
  const apiKey = frame.readInt16BE(4);
  const clientIdLength = frame.length >= 14 ? frame.readInt16BE(12) : -1;
  return {
    apiKey,
    api: apiNames.get(apiKey),
    apiVersion: frame.readInt16BE(6),
    correlationId: frame.readInt32BE(8),
    clientId: clientIdLength < 0 ? null : frame.toString('utf8', 14, 14 + clientIdLength),
  };
}

/** The correlation id of a response frame (size prefix included). */
export const responseCorrelationId = (frame: Buffer): number => frame.readInt32BE(4);
