import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { LoadResult } from '../processes.js';

interface ChartInput {
  readonly commandApi: Record<string, LoadResult[]>;
  readonly endToEnd: Record<string, LoadResult[]>;
}

async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

/** Throughput against p99 latency per server; the end-to-end latency distribution per offered rate. */
export async function renderCharts(results: ChartInput, outDir: string, base: string): Promise<string[]> {
  const throughput = Object.entries(results.commandApi).flatMap(([server, runs]) =>
    runs.map((run) => ({ server, throughput: run.throughput, p99: run.latencyMs.p99, p50: run.latencyMs.p50 })),
  );
  const distribution = Object.entries(results.endToEnd).flatMap(([server, runs]) =>
    runs.flatMap((run) => {
      const samples = [...(run.e2e?.samples ?? [])].sort((a, b) => a - b);
      const series = `${server} @ ${run.offeredRate}/s`;
      return Array.from({ length: 100 }, (_, index) => {
        const percentile = index + 1;
        const value = samples[Math.min(samples.length - 1, Math.ceil((percentile / 100) * samples.length) - 1)] ?? 0;
        return { series, percentile, latency: Math.max(value, 0.5) };
      });
    }),
  );
  const charts: Array<[string, TopLevelSpec]> = [
    [
      `${base}-throughput-latency.svg`,
      {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        title: 'POST /orders: throughput against p99 latency (fixed offered rates, then saturation)',
        width: 560,
        height: 320,
        data: { values: throughput },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'throughput', type: 'quantitative', title: 'accepted orders/s' },
          y: { field: 'p99', type: 'quantitative', title: 'p99 latency (ms)', scale: { type: 'log' } },
          color: { field: 'server', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 0 } },
          order: { field: 'throughput', type: 'quantitative' },
        },
      },
    ],
    [
      `${base}-e2e-latency.svg`,
      {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        title: 'End to end: from the 202 to the event visible (read_committed), by percentile',
        width: 560,
        height: 320,
        data: { values: distribution },
        mark: 'line',
        encoding: {
          x: { field: 'percentile', type: 'quantitative', title: 'percentile', scale: { domain: [1, 100] } },
          y: { field: 'latency', type: 'quantitative', title: 'latency (ms)', scale: { type: 'log' } },
          color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 0 } },
        },
      },
    ],
  ];
  for (const [file, spec] of charts) writeFileSync(join(outDir, file), await toSvg(spec));
  return charts.map(([file]) => file);
}
