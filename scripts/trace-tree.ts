/** A span as Jaeger's query API returns it (`/api/traces/<id>`). */
export interface JaegerSpan {
  readonly spanID: string;
  readonly operationName: string;
  readonly processID: string;
  /** Microseconds since the epoch, and microseconds. */
  readonly startTime: number;
  readonly duration: number;
  readonly references?: readonly { readonly refType: string; readonly spanID: string }[];
}

export interface JaegerTrace {
  readonly traceID: string;
  readonly spans: readonly JaegerSpan[];
  readonly processes: Record<string, { readonly serviceName: string }>;
}

/** The span a span hangs under in the tree: its parent (CHILD_OF), else the span it follows from (a link), in this trace. */
function upOf(span: JaegerSpan, ids: ReadonlySet<string>) {
  const inTrace = (type: string) => span.references?.find((ref) => ref.refType === type && ids.has(ref.spanID));
  const parent = inTrace('CHILD_OF');
  if (parent) return { spanID: parent.spanID, link: false };
  const followed = inTrace('FOLLOWS_FROM');
  return followed ? { spanID: followed.spanID, link: true } : undefined;
}

/**
 * A trace as text, one line per span, indented under its parent (or, marked `⇢`, under the span it
 * is linked to), in start order: offset from the trace's start, duration, service, operation.
 * Spans with neither in the trace are roots.
 */
export function traceTree(trace: JaegerTrace): string {
  const ids = new Set(trace.spans.map((span) => span.spanID));
  const parentOf = (span: JaegerSpan) => upOf(span, ids)?.spanID;
  const byStart = [...trace.spans].sort((a, b) => a.startTime - b.startTime || a.spanID.localeCompare(b.spanID));
  const start = byStart[0]?.startTime ?? 0;
  const ms = (micros: number) => `${(micros / 1000).toFixed(1)} ms`;
  const lines: string[] = [];
  const visit = (span: JaegerSpan, depth: number) => {
    const service = trace.processes[span.processID]?.serviceName ?? span.processID;
    const mark = upOf(span, ids)?.link ? '⇢ ' : '';
    lines.push(
      `${ms(span.startTime - start).padStart(9)} ${ms(span.duration).padStart(9)}  ${'  '.repeat(depth)}${mark}${service}: ${span.operationName}`,
    );
    for (const child of byStart.filter((candidate) => parentOf(candidate) === span.spanID)) visit(child, depth + 1);
  };
  for (const root of byStart.filter((span) => parentOf(span) === undefined)) visit(root, 0);
  return lines.join('\n');
}
