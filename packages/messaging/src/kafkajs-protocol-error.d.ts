// kafkajs ships no types for its table of protocol errors; this is the part kafka.ts reads.
declare module 'kafkajs/src/protocol/error.js' {
  const protocolErrors: {
    readonly errorCodes: readonly { readonly type: string; readonly code: number; readonly retriable: boolean; readonly message: string }[];
  };
  export default protocolErrors;
}
