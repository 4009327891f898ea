import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  readonly label: string;
  readonly stroke: string;
}

interface ChartProps {
  readonly title: string;
  readonly unit: string;
  readonly series: readonly ChartSeries[];
  /** x: epoch seconds; one array per series, null for no value. */
  readonly data: AlignedData;
  /** Fault marks (epoch seconds), drawn as vertical lines. */
  readonly marks: readonly number[];
}

const height = 150;

/** A small live chart: uPlot draws on a canvas and only the data changes, so streaming does not move the layout. */
export function Chart({ title, unit, series, data, marks }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const marksRef = useRef(marks);
  marksRef.current = marks;

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const options: Options = {
      width: Math.max(200, element.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { show: false },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        { stroke: '#8a94a6', grid: { stroke: '#eef1f5' } },
        { stroke: '#8a94a6', grid: { stroke: '#eef1f5' }, size: 50 },
      ],
      series: [{}, ...series.map((s) => ({ label: `${s.label} (${unit})`, stroke: s.stroke, width: 1.5, spanGaps: false }))],
      hooks: {
        draw: [
          (u) => {
            const { ctx } = u;
            ctx.save();
            ctx.strokeStyle = '#d9480f';
            ctx.setLineDash([4, 3]);
            for (const mark of marksRef.current) {
              const x = Math.round(u.valToPos(mark, 'x', true));
              if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
            }
            ctx.restore();
          },
        ],
      },
    };
    plot.current = new uPlot(options, data, element);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, element.clientWidth), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Built once; data goes in through setData below.
  }, []);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data, marks]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} class="chart-box" />
    </figure>
  );
}
