/** A domain rule was broken; `code` is stable for clients, `field` points into the request. */
export class OrderRejected extends Error {
  override name = 'OrderRejected';
  constructor(
    readonly code: 'unknown-currency' | 'total-too-large' | 'invalid-order',
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}
