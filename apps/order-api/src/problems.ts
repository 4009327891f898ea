/**
 * Every error the API answers with is one of these: a stable `code` (the RFC 9457 problem type is
 * `urn:ouro:problem:<code>`), an HTTP status, and a title. One handler turns them into problem+json.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export interface FieldError {
  /** JSON Pointer into the request (`/items/0/quantity`) or the header/query name. */
  readonly field: string;
  readonly message: string;
}

export class InvalidRequest extends HttpProblem {
  constructor(detail: string, errors: readonly FieldError[]) {
    super(400, 'invalid-request', 'The request is not valid', detail, { errors });
  }
}

export class IdempotencyConflict extends HttpProblem {
  constructor(key: string) {
    super(
      409,
      'idempotency-key-reused',
      'Idempotency-Key reused with another body',
      `Idempotency-Key "${key}" was first used with a different request body`,
    );
  }
}

export class OrderNotFound extends HttpProblem {
  constructor(orderId: string) {
    super(404, 'order-not-found', 'Order not found', `no order ${orderId}`);
  }
}

export class DependencyUnavailable extends HttpProblem {
  constructor(dependency: string, detail: string, retryAfterSeconds = 1) {
    super(
      503,
      'dependency-unavailable',
      'Service temporarily unavailable',
      detail,
      { dependency },
      { 'retry-after': String(retryAfterSeconds) },
    );
  }
}

/** Kafka could not be given the order in time: nothing was written, so a retry of any kind is safe. */
export class KafkaUnavailable extends HttpProblem {
  constructor(detail: string) {
    super(
      503,
      'kafka-unavailable',
      'Kafka cannot take orders right now',
      `the order was not written: ${detail}`,
      {},
      { 'retry-after': '1' },
    );
  }
}

/**
 * The order was sent to Kafka but no acknowledgement came in time: it may or may not be accepted.
 * The answer names the order, and says how to find out: the same Idempotency-Key gets the same
 * orderId, and at most one order, however often it is retried.
 */
export class AcceptanceUnknown extends HttpProblem {
  constructor(orderId: string, detail: string) {
    super(
      504,
      'acceptance-unknown',
      'Whether the order was accepted is not known',
      `Kafka did not acknowledge order ${orderId} in time (${detail}); it may yet be accepted. Retry with the same Idempotency-Key to find out: ` +
        'it answers the same orderId and never places a second order. Without a key, a retry may place a second order.',
      { orderId },
      { 'retry-after': '1', location: `/orders/${orderId}` },
    );
  }
}
