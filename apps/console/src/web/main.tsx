import { render } from 'preact';
import { useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import type { AlignedData } from 'uplot';
import {
  type ConsoleEvent,
  type ContenderCounters,
  type FaultInfo,
  type FaultKind,
  type FaultMark,
  type MetricsPoint,
  type OrderHistory,
  type RaceState,
  steps,
} from '../shared/protocol.js';
import { Chart } from './chart.js';
import { apply, initialState, type OrderRow, type PageEvent, type PageState } from './store.js';
import './style.css';

const eventTypes: readonly ConsoleEvent['type'][] = ['snapshot', 'step', 'metrics', 'fault', 'live', 'race', 'dropped'];

/** The stream, applied once a frame: a burst of events is one render, not hundreds. */
function useConsoleStream(): [PageState, (event: PageEvent) => void] {
  const [state, dispatch] = useReducer(apply, initialState);
  const pending = useRef<ConsoleEvent[]>([]);
  const frame = useRef(0);
  useEffect(() => {
    const source = new EventSource('/api/stream');
    const flush = () => {
      frame.current = 0;
      const batch = pending.current;
      pending.current = [];
      dispatch(batch);
    };
    for (const type of eventTypes) {
      source.addEventListener(type, (message) => {
        pending.current.push({ type, data: JSON.parse((message as MessageEvent<string>).data) } as ConsoleEvent);
        if (!frame.current) frame.current = requestAnimationFrame(flush);
      });
    }
    return () => {
      source.close();
      cancelAnimationFrame(frame.current);
    };
  }, []);
  return [state, (event) => dispatch([event])];
}

const send = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(path, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
};

const time = (at: number) => new Date(at).toLocaleTimeString([], { hour12: false });
const ms = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${Math.round(value)} ms`);

function OrderForm({ onPlaced }: { onPlaced: (text: string, orderId?: string) => void }) {
  const [customerId, setCustomer] = useState('customer-1');
  const [sku, setSku] = useState('SKU-1');
  const [quantity, setQuantity] = useState(1);
  const [price, setPrice] = useState(1250);
  const submit = async (event: Event) => {
    event.preventDefault();
    const answer = await send('POST', '/api/orders', { customerId, currency: 'EUR', items: [{ sku, quantity, unitPriceCents: price }] });
    const orderId = answer.status === 202 ? String(answer.body.orderId) : undefined;
    onPlaced(
      orderId ? `placed ${orderId}` : `refused (${answer.status}): ${String(answer.body.detail ?? answer.body.message ?? '')}`,
      orderId,
    );
  };
  return (
    <form class="row" onSubmit={submit} aria-label="Place an order">
      <label>
        Customer <input value={customerId} onInput={(e) => setCustomer(e.currentTarget.value)} required />
      </label>
      <label>
        SKU <input value={sku} onInput={(e) => setSku(e.currentTarget.value)} required size={8} />
      </label>
      <label>
        Qty <input type="number" min={1} value={quantity} onInput={(e) => setQuantity(Number(e.currentTarget.value))} class="num" />
      </label>
      <label>
        Price (cents) <input type="number" min={0} value={price} onInput={(e) => setPrice(Number(e.currentTarget.value))} class="num" />
      </label>
      <button type="submit" data-testid="place-order">
        Place order
      </button>
    </form>
  );
}

function LoadControl({ rate, accepted, retries }: { rate: number; accepted: number; retries: number }) {
  const [value, setValue] = useState(rate);
  return (
    <div class="row">
      <label>
        Load generator: <output>{value}</output> orders/s{' '}
        <input
          type="range"
          min={0}
          max={200}
          step={5}
          value={value}
          onInput={(e) => setValue(Number(e.currentTarget.value))}
          onChange={(e) => void send('PUT', '/api/load', { ratePerSecond: Number(e.currentTarget.value) })}
          aria-label="Load rate"
        />
      </label>
      <span class="muted" data-testid="load-state">
        running at {rate}/s · <span data-testid="load-accepted">{accepted}</span> accepted · {retries} retries
      </span>
    </div>
  );
}

function OrderTable({ pinned, orders }: { pinned: readonly OrderRow[]; orders: readonly OrderRow[] }) {
  const pinnedIds = new Set(pinned.map((order) => order.orderId));
  const rows = [...pinned, ...orders.filter((order) => !pinnedIds.has(order.orderId))].slice(0, 12);
  return (
    <table class="orders" data-testid="orders">
      <thead>
        <tr>
          <th>order</th>
          {steps.map((step) => (
            <th key={step}>{step}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((order) => {
          const start = order.steps.accepted?.at;
          return (
            <tr key={order.orderId} data-order-id={order.orderId} class={pinnedIds.has(order.orderId) ? 'pinned' : ''}>
              <td class="id" title={order.orderId}>
                {order.orderId.slice(-12)}
              </td>
              {steps.map((step) => {
                const seen = order.steps[step];
                return (
                  <td key={step} data-step={step} class={seen ? 'done' : 'waiting'} title={seen?.detail ?? 'not yet'}>
                    {seen ? (start !== undefined && step !== 'accepted' ? `+${Math.max(0, seen.at - start)} ms` : '✓') : '·'}
                    {seen && (step === 'command' || step === 'announced') ? <small>{seen.detail.split(' ').pop()}</small> : null}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Charts({ metrics, timeline }: { metrics: readonly MetricsPoint[]; timeline: readonly FaultMark[] }) {
  const x = useMemo(() => metrics.map((point) => point.t / 1000), [metrics]);
  const marks = useMemo(() => timeline.filter((mark) => mark.phase === 'injected').map((mark) => mark.at / 1000), [timeline]);
  const throughput: AlignedData = [x, metrics.map((p) => p.commandsPerSecond), metrics.map((p) => p.eventsPerSecond)];
  const freshness: AlignedData = [x, metrics.map((p) => p.freshnessP50Ms), metrics.map((p) => p.freshnessP99Ms)];
  const lag: AlignedData = [x, metrics.map((p) => p.lag)];
  return (
    <div class="charts">
      <Chart
        title="Throughput"
        unit="/s"
        series={[
          { label: 'commands', stroke: '#1c7ed6' },
          { label: 'OrderCreated', stroke: '#2f9e44' },
        ]}
        data={throughput}
        marks={marks}
      />
      <Chart
        title="Freshness: accepted → OrderCreated"
        unit="ms"
        series={[
          { label: 'p50', stroke: '#1c7ed6' },
          { label: 'p99', stroke: '#f08c00' },
        ]}
        data={freshness}
        marks={marks}
      />
      <Chart title="Processor lag" unit="commands" series={[{ label: 'lag', stroke: '#7048e8' }]} data={lag} marks={marks} />
    </div>
  );
}

function Faults({
  faults,
  timeline,
  onResult,
}: {
  faults: readonly FaultInfo[];
  timeline: readonly FaultMark[];
  onResult: (text: string) => void;
}) {
  const inject = async (kind: FaultKind) => {
    const answer = await send('POST', `/api/faults/${kind}`);
    if (answer.status !== 202) onResult(`${kind}: ${String(answer.body.reason ?? answer.status)}`);
  };
  return (
    <section aria-labelledby="faults-title">
      <h2 id="faults-title">Faults</h2>
      <div class="buttons">
        {faults.map((fault) => (
          <button
            key={fault.kind}
            type="button"
            title={fault.detail}
            data-testid={`fault-${fault.kind}`}
            onClick={() => void inject(fault.kind)}
            class={fault.reach === 'stack' ? 'stack' : ''}
          >
            {fault.title}
          </button>
        ))}
      </div>
      <ol class="timeline" data-testid="timeline">
        {[...timeline]
          .reverse()
          .slice(0, 8)
          .map((mark) => (
            <li key={mark.id} class={mark.phase}>
              <time>{time(mark.at)}</time> <b>{mark.scope}</b> {mark.phase}: {mark.text}
            </li>
          ))}
      </ol>
    </section>
  );
}

const counterNames = [
  'accepted',
  'stored',
  'announced',
  'inFlight',
  'lost',
  'duplicated',
  'ghost',
  'unannounced',
  'unaccepted',
  'retries',
] as const;
const violations: ReadonlySet<string> = new Set(['lost', 'duplicated', 'ghost', 'unannounced', 'unaccepted']);

function ContenderCard({ counters }: { counters: ContenderCounters }) {
  return (
    <article class="contender" data-testid={`contender-${counters.name}`}>
      <h3>{counters.title}</h3>
      <p class="muted">{counters.summary}</p>
      <dl>
        {counterNames.map((name) => {
          const value = counters[name];
          return (
            <div key={name} class={violations.has(name) && typeof value === 'number' && value > 0 ? 'bad' : ''}>
              <dt>{name}</dt>
              <dd data-counter={name}>{value ?? '…'}</dd>
            </div>
          );
        })}
        <div>
          <dt>e2e p50 / p99</dt>
          <dd>
            {ms(counters.e2eP50Ms)} / {ms(counters.e2eP99Ms)}
          </dd>
        </div>
      </dl>
      {counters.reconciler ? (
        <p data-testid="reconciler" class={counters.reconciler.ok ? 'ok' : 'bad'}>
          reconciler: {counters.reconciler.ok ? 'every invariant holds' : `violated: ${counters.reconciler.violations.join(', ')}`}
        </p>
      ) : null}
      {counters.findings.length > 0 ? (
        <ul class="findings">
          {counters.findings.map((finding) => (
            <li key={finding}>{finding}</li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}

function Race({ race, faults }: { race: RaceState; faults: readonly FaultInfo[] }) {
  const [rate, setRate] = useState(20);
  const [duration, setDuration] = useState(30);
  const [fault, setFault] = useState<FaultKind | 'none'>('kill-processor');
  const [faultAt, setFaultAt] = useState(10);
  const [refusal, setRefusal] = useState('');
  const busy = race.phase === 'starting' || race.phase === 'running' || race.phase === 'settling';
  const start = async (event: Event) => {
    event.preventDefault();
    const answer = await send('POST', '/api/race', { ratePerSecond: rate, durationSeconds: duration, fault, faultAtSeconds: faultAt });
    setRefusal(answer.status === 202 ? '' : String(answer.body.reason ?? answer.body.message ?? answer.status));
  };
  return (
    <section aria-labelledby="race-title">
      <h2 id="race-title">The race</h2>
      <form class="row" onSubmit={start}>
        <label>
          Rate{' '}
          <input
            type="number"
            min={1}
            max={100}
            value={rate}
            onInput={(e) => setRate(Number(e.currentTarget.value))}
            class="num"
            data-testid="race-rate"
          />
          /s
        </label>
        <label>
          for{' '}
          <input
            type="number"
            min={5}
            max={300}
            value={duration}
            onInput={(e) => setDuration(Number(e.currentTarget.value))}
            class="num"
            data-testid="race-duration"
          />{' '}
          s
        </label>
        <label>
          fault{' '}
          <select value={fault} onChange={(e) => setFault(e.currentTarget.value as FaultKind | 'none')} data-testid="race-fault">
            <option value="none">none</option>
            {faults.map((info) => (
              <option key={info.kind} value={info.kind}>
                {info.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          at{' '}
          <input
            type="number"
            min={0}
            max={300}
            value={faultAt}
            onInput={(e) => setFaultAt(Number(e.currentTarget.value))}
            class="num"
            data-testid="race-fault-at"
          />{' '}
          s
        </label>
        <button type="submit" disabled={busy} data-testid="race-start">
          Start the race
        </button>
      </form>
      <p data-testid="race-phase" data-phase={race.phase}>
        <b>{race.phase}</b> · {race.message} {refusal ? <span class="bad">({refusal})</span> : null}
      </p>
      <div class="contenders">
        {race.contenders.map((counters) => (
          <ContenderCard key={counters.name} counters={counters} />
        ))}
      </div>
      {race.unavailable.length > 0 ? (
        <ul class="muted unavailable" data-testid="race-unavailable">
          {race.unavailable.map((design) => (
            <li key={design.name} data-design={design.name}>
              <b>{design.title}</b> is not in the race: {design.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function Lookup() {
  const [id, setId] = useState('');
  const [history, setHistory] = useState<OrderHistory | string | undefined>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const answer = await send('GET', `/api/orders/${encodeURIComponent(id.trim())}`);
    setHistory(answer.status === 200 ? (answer.body as unknown as OrderHistory) : `not a valid order id (${answer.status})`);
  };
  return (
    <section aria-labelledby="lookup-title">
      <h2 id="lookup-title">Look up an order</h2>
      <form class="row" onSubmit={submit}>
        <input
          value={id}
          onInput={(e) => setId(e.currentTarget.value)}
          placeholder="order id (uuid)"
          size={38}
          aria-label="Order id"
          data-testid="lookup-id"
        />
        <button type="submit">Look up</button>
      </form>
      {typeof history === 'string' ? <p class="bad">{history}</p> : null}
      {history && typeof history !== 'string' ? (
        <div class="history" data-testid="lookup-result">
          <p>
            command: {history.command ? `${history.command.topic} ${history.command.at}` : 'not seen'} · OrderCreated:{' '}
            {history.events.length ? history.events.map((event) => event.at).join(', ') : 'none seen'} · dead letter:{' '}
            {history.deadLetter ? `${history.deadLetter.at} ${history.deadLetter.reason ?? ''}` : 'none'}
          </p>
          <details open>
            <summary>row in orders{history.failure ? ' / order_failures' : ''}</summary>
            <pre>{JSON.stringify(history.row ?? history.failure ?? 'no row', null, 2)}</pre>
          </details>
          <details>
            <summary>cache entry</summary>
            <pre>{JSON.stringify(history.cache ?? 'no entry', null, 2)}</pre>
          </details>
        </div>
      ) : null}
    </section>
  );
}

function App() {
  const [state, dispatch] = useConsoleStream();
  const [notice, setNotice] = useState('');
  const snapshot = state.snapshot;
  if (!snapshot) return <p class="muted">connecting…</p>;
  const { live } = snapshot;
  return (
    <main>
      <header>
        <h1>Ouro console</h1>
        <p data-testid="live-state" data-state={live.state} class={live.state === 'failed' ? 'bad' : 'muted'}>
          {live.state}: {live.message}
          {live.topics ? ` · ${live.topics.commands}` : ''}
          {state.dropped > 0 ? ` · ${state.dropped} steps not shown (page too slow)` : ''}
        </p>
      </header>
      <section aria-labelledby="flow-title">
        <h2 id="flow-title">Live flow</h2>
        <OrderForm
          onPlaced={(text, orderId) => {
            setNotice(text);
            if (orderId) dispatch({ type: 'pin', data: { orderId } });
          }}
        />
        <p class="muted notice" data-testid="notice" aria-live="polite">
          {notice || ' '}
        </p>
        <LoadControl rate={live.load.ratePerSecond} accepted={live.load.accepted} retries={live.load.retries} />
        <OrderTable pinned={state.pinned} orders={state.orders} />
        <Charts metrics={state.metrics} timeline={state.timeline} />
      </section>
      <Faults faults={snapshot.faults} timeline={state.timeline} onResult={setNotice} />
      <Race race={snapshot.race} faults={snapshot.faults} />
      <Lookup />
    </main>
  );
}

const root = document.getElementById('root');
if (root) render(<App />, root);
