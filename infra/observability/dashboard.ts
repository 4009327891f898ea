// The Grafana dashboard, as code: typed by Grafana's foundation SDK, written to
// grafana-dashboard.json by `npm run observability:dashboard` (the JSON is what Grafana imports).
import { DashboardBuilder, DashboardCursorSync, DatasourceVariableBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

// Grafana's own variable syntax: the Prometheus data source picked on the dashboard.
// biome-ignore lint/suspicious/noTemplateCurlyInString: not a JavaScript template.
const datasource = { type: 'prometheus', uid: '${datasource}' };

/** Panel ids, unique in the dashboard (Grafana keys its panels by them), in the order the panels are made. */
let lastId = 0;
const nextId = () => ++lastId;
const row = (title: string) => new RowBuilder(title).id(nextId());

const query = (expr: string, legend: string) => new DataqueryBuilder().expr(expr).legendFormat(legend).datasource(datasource);

function timeseries(title: string, description: string, unit: string, queries: readonly [string, string][]) {
  const panel = new TimeseriesBuilder()
    .id(nextId())
    .title(title)
    .description(description)
    .unit(unit)
    .datasource(datasource)
    .height(8)
    .span(12);
  for (const [expr, legend] of queries) panel.withTarget(query(expr, legend));
  return panel;
}

function stat(title: string, description: string, unit: string, expr: string) {
  return new StatBuilder()
    .id(nextId())
    .title(title)
    .description(description)
    .unit(unit)
    .datasource(datasource)
    .height(4)
    .span(6)
    .withTarget(query(expr, title));
}

/** Every query of the dashboard, by panel: the tests check each one parses and uses only metrics the apps export. */
export function buildDashboard() {
  lastId = 0;
  return new DashboardBuilder('Ouro: orders across the asynchronous hop')
    .uid('ouro-orders')
    .tags(['ouro', 'kafka', 'listen-to-yourself'])
    .description('order-api accepts, order-processor commits: lag, freshness, transactions, dead letters, refusals.')
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'))
    .withRow(row('At a glance'))
    .withPanel(stat('Orders accepted /s', 'POST /orders answered 202', 'reqps', 'sum(rate(ouro_api_orders_accepted_total[5m]))'))
    .withPanel(stat('Consumer lag', 'Commands not processed yet, all partitions', 'short', 'sum(ouro_processor_consumer_lag)'))
    .withPanel(
      stat(
        'Freshness p99',
        'From the 202 to the commit that announced the order',
        's',
        'histogram_quantile(0.99, sum by (le) (rate(ouro_order_freshness_seconds_bucket[5m])))',
      ),
    )
    .withPanel(
      stat(
        'Dead letters (1 h)',
        'Commands dead-lettered in the last hour',
        'short',
        'sum(increase(ouro_processor_dead_letters_total[1h]))',
      ),
    )
    .withRow(row('Freshness and lag'))
    .withPanel(
      timeseries('Order freshness', "From an order's acceptedAt to the commit that announced it", 's', [
        ['histogram_quantile(0.5, sum by (le) (rate(ouro_order_freshness_seconds_bucket[5m])))', 'p50'],
        ['histogram_quantile(0.99, sum by (le) (rate(ouro_order_freshness_seconds_bucket[5m])))', 'p99'],
      ]),
    )
    .withPanel(
      timeseries('Consumer lag by partition', 'Messages behind the end of each partition, as its member last saw it', 'short', [
        ['max by (partition) (ouro_processor_consumer_lag)', 'partition {{partition}}'],
      ]),
    )
    .withPanel(
      timeseries('Seconds since the last commit', 'Per partition held; a partition with lag and a growing line is stalled', 's', [
        ['time() - max by (partition) (ouro_processor_last_commit_timestamp_seconds)', 'partition {{partition}}'],
      ]),
    )
    .withPanel(
      timeseries('After-commit work queued', 'Orders whose cache update and announce watermark still wait, per partition group', 'short', [
        ['sum by (group) (ouro_processor_after_commit_queued)', 'group {{group}}'],
      ]),
    )
    .withRow(row('Processor'))
    .withPanel(
      timeseries('Orders and transactions /s', 'Commands committed, and transactions by outcome', 'ops', [
        ['sum(rate(ouro_processor_orders_processed_total[5m]))', 'orders'],
        ['sum by (outcome) (rate(ouro_processor_transactions_total[5m]))', 'transactions {{outcome}}'],
      ]),
    )
    .withPanel(
      timeseries('Chunk duration', "From a chunk's first attempt to its commit (one transaction of a partition group)", 's', [
        ['histogram_quantile(0.5, sum by (le) (rate(ouro_processor_chunk_duration_seconds_bucket[5m])))', 'p50'],
        ['histogram_quantile(0.99, sum by (le) (rate(ouro_processor_chunk_duration_seconds_bucket[5m])))', 'p99'],
      ]),
    )
    .withPanel(
      timeseries('Transaction phases', "Mean time of each phase of a committed transaction: where a chunk's time goes", 's', [
        [
          'sum by (phase) (rate(ouro_processor_transaction_phase_seconds_sum[5m])) / sum by (phase) (rate(ouro_processor_transaction_phase_seconds_count[5m]))',
          '{{phase}}',
        ],
      ]),
    )
    .withPanel(
      timeseries('Retries by failure kind /s', 'Failed attempts (each retried); fences are partition groups verified again', 'ops', [
        ['sum by (kind) (rate(ouro_processor_attempt_failures_total[5m]))', '{{kind}}'],
        ['sum(rate(ouro_processor_group_verifications_total[5m]))', 'verifications (fences)'],
      ]),
    )
    .withPanel(
      timeseries('Dead letters by reason', 'Commands dead-lettered per reason, per 5 minutes', 'short', [
        ['sum by (reason) (increase(ouro_processor_dead_letters_total[5m]))', '{{reason}}'],
      ]),
    )
    .withPanel(
      timeseries('Members and partitions', 'Processors in the group and the partitions they hold', 'short', [
        ['sum(ouro_processor_group_member)', 'members'],
        ['sum(ouro_processor_assigned_partitions)', 'partitions held'],
      ]),
    )
    .withRow(row('API'))
    .withPanel(
      timeseries(
        'POST /orders by status /s',
        '202 accepted; 503 nothing written (Kafka, Redis, shutting down); 504 acceptance unknown',
        'reqps',
        [['sum by (status) (rate(ouro_api_http_request_duration_seconds_count{route="/orders",method="POST"}[5m]))', '{{status}}']],
      ),
    )
    .withPanel(
      timeseries('Request latency p99 by route', 'Long-polls are apart (next panel)', 's', [
        ['histogram_quantile(0.99, sum by (le, route) (rate(ouro_api_http_request_duration_seconds_bucket[5m])))', '{{route}}'],
      ]),
    )
    .withPanel(
      timeseries('Long-poll waits', 'GET /orders/:id?waitFor=committed: how long requests were held', 's', [
        ['histogram_quantile(0.5, sum by (le) (rate(ouro_api_order_wait_seconds_bucket[5m])))', 'p50'],
        ['histogram_quantile(0.99, sum by (le) (rate(ouro_api_order_wait_seconds_bucket[5m])))', 'p99'],
      ]),
    )
    .withPanel(
      timeseries('Produce latency by outcome', 'From handing the command to Kafka to its answer', 's', [
        ['histogram_quantile(0.99, sum by (le, outcome) (rate(ouro_api_produce_duration_seconds_bucket[5m])))', 'p99 {{outcome}}'],
      ]),
    )
    .withPanel(
      timeseries('Idempotency-Key outcomes /s', 'new, replayed (answered from the record), resent, conflict (409)', 'reqps', [
        ['sum by (outcome) (rate(ouro_api_idempotency_keys_total[5m]))', '{{outcome}}'],
      ]),
    )
    .build();
}
