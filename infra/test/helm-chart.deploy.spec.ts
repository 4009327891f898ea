// The Helm chart cannot be installed here (no cluster). It is checked as far as the tools go without
// one: `helm lint`, `helm template` for the default values and a production-like release, every
// rendered manifest validated against the Kubernetes API's JSON schemas with kubeconform (strict,
// offline, the Kubernetes version pinned), then what the chart promises, read from the manifests.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { type Env, loadApiConfig, loadProcessorConfig } from '@ouro/config';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { deployTools } from '../src/deploy-tools.js';

const chart = resolve(import.meta.dirname, '../helm/ouro');
const productionValues = join(chart, 'ci/production-values.yaml');

interface Endpoint {
  readonly port: number;
  readonly liveness: string;
  readonly readiness: string;
  readonly metrics: string;
}
/** The apps' HTTP endpoints, stated once in the chart's values. */
const { endpoints } = parse(readFileSync(join(chart, 'values.yaml'), 'utf8')) as { endpoints: { api: Endpoint; processor: Endpoint } };

interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: a manifest's body differs per kind; each test reads the parts it checks.
  readonly [key: string]: any;
}

function helm(args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync(deployTools.helm, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** `helm template` as the cluster would get it, parsed; throws with helm's message when it refuses. */
function render(args: readonly string[] = []): Manifest[] {
  const { status, output } = helm([
    'template',
    'ouro',
    chart,
    '--namespace',
    'shop',
    '--kube-version',
    deployTools.kubernetesVersion,
    ...args,
  ]);
  if (status !== 0) throw new Error(output);
  return parseAllDocuments(output)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}

interface KubeconformResult {
  readonly resources: ReadonlyArray<{ kind: string; name: string; status: string; msg: string }>;
  readonly summary: { valid: number; invalid: number; errors: number; skipped: number };
}

/**
 * The manifests against the Kubernetes API's schemas. -strict refuses fields the API does not
 * define. ServiceMonitor is a custom resource without a schema there: skipped here, and validated
 * against its CRD's schema in its own test below.
 */
function kubeconform(manifests: readonly Manifest[]): KubeconformResult {
  const result = spawnSync(
    deployTools.kubeconform,
    [
      '-strict',
      '-kubernetes-version',
      deployTools.kubernetesVersion,
      '-schema-location',
      deployTools.kubernetesSchemaLocation,
      '-skip',
      'ServiceMonitor',
      '-output',
      'json',
      '-summary',
      '-verbose',
      '-',
    ],
    { input: manifests.map((manifest) => stringify(manifest)).join('---\n'), encoding: 'utf8' },
  );
  return JSON.parse(result.stdout) as KubeconformResult;
}

const find = (manifests: readonly Manifest[], kind: string, nameSuffix: string) => {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name.endsWith(nameSuffix));
  if (!found) throw new Error(`no ${kind} named *${nameSuffix} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
};

/** The environment an app's container gets from the ConfigMap (the URLs come from a Secret). */
const settings = (manifests: readonly Manifest[]): Env => find(manifests, 'ConfigMap', 'ouro').data;

const container = (deployment: Manifest) => deployment.spec.template.spec.containers[0];

const releases = [
  ['default values', [] as string[]],
  ['production values', ['-f', productionValues]],
] as const;

describe.each(releases)('the chart with %s', (_name, args) => {
  const manifests = render(args);

  it('passes helm lint --strict', () => {
    const { status, output } = helm(['lint', '--strict', '--kube-version', deployTools.kubernetesVersion, chart, ...args]);

    expect(status, output).toBe(0);
  });

  it(`renders only manifests valid for Kubernetes ${deployTools.kubernetesVersion} (kubeconform -strict)`, () => {
    const { resources, summary } = kubeconform(manifests);

    expect(resources.filter((resource) => resource.status !== 'statusValid' && resource.status !== 'statusSkipped')).toEqual([]);
    expect(summary).toEqual({
      valid: manifests.filter((manifest) => manifest.kind !== 'ServiceMonitor').length,
      invalid: 0,
      errors: 0,
      skipped: manifests.filter((manifest) => manifest.kind === 'ServiceMonitor').length,
    });
  });

  it('runs no more processors than there are partition groups holding a partition', () => {
    const processor = find(manifests, 'Deployment', 'order-processor');
    const env = settings(manifests);

    expect(processor.spec.replicas).toBeLessThanOrEqual(Math.min(Number(env.PROCESSOR_PARTITION_GROUPS), Number(env.ORDERS_PARTITIONS)));
  });

  it("gives each app's pods longer to stop than its graceful shutdown may take", () => {
    const env = settings(manifests);
    const processor = find(manifests, 'Deployment', 'order-processor').spec.template.spec;
    const api = find(manifests, 'Deployment', 'order-api').spec.template.spec;
    const preStopSeconds = Number(api.containers[0].lifecycle.preStop.exec.command[1]);

    expect(processor.terminationGracePeriodSeconds * 1000).toBeGreaterThan(loadProcessorConfig(env).transactionTimeoutMs + 5_000);
    expect((api.terminationGracePeriodSeconds - preStopSeconds) * 1000).toBeGreaterThan(loadApiConfig(env).produceTimeoutMs + 5_000);
  });

  it('probes each app on the port it listens on, at its health endpoints', () => {
    const env = settings(manifests);
    const probes = (deployment: Manifest) => {
      const { ports, livenessProbe, readinessProbe } = container(deployment);
      return {
        port: ports.find((port: { name: string }) => port.name === livenessProbe.httpGet.port).containerPort,
        liveness: livenessProbe.httpGet.path,
        readiness: readinessProbe.httpGet.path,
      };
    };

    expect(probes(find(manifests, 'Deployment', 'order-api'))).toEqual({
      port: Number(env.API_PORT),
      liveness: endpoints.api.liveness,
      readiness: endpoints.api.readiness,
    });
    expect(probes(find(manifests, 'Deployment', 'order-processor'))).toEqual({
      port: Number(env.PROCESSOR_HTTP_PORT),
      liveness: endpoints.processor.liveness,
      readiness: endpoints.processor.readiness,
    });
    expect([Number(env.API_PORT), Number(env.PROCESSOR_HTTP_PORT)]).toEqual([endpoints.api.port, endpoints.processor.port]);
  });

  it('provisions in a pre-install/pre-upgrade hook with the settings the apps get', () => {
    const job = find(manifests, 'Job', 'provision');
    const env = Object.fromEntries(
      container(job)
        .env.filter((variable: { value?: string }) => variable.value !== undefined)
        .map((variable: { name: string; value: string }) => [variable.name, variable.value]),
    );

    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(container(job).args).toEqual(['provision']);
    expect(env).toEqual(settings(manifests));
  });

  it('reads the connection URLs from a Secret, never from the ConfigMap', () => {
    const env = settings(manifests);

    expect(Object.keys(env).filter((name) => name.endsWith('_URL'))).toEqual([]);
    for (const deployment of [find(manifests, 'Deployment', 'order-api'), find(manifests, 'Deployment', 'order-processor')]) {
      const fromSecret = container(deployment).env.filter((variable: { valueFrom?: object }) => variable.valueFrom);
      expect(fromSecret.map((variable: { name: string }) => variable.name)).toEqual(['SCHEMA_REGISTRY_URL', 'DATABASE_URL', 'REDIS_URL']);
    }
  });
});

describe('a production-like release', () => {
  const manifests = render(['-f', productionValues]);
  const podLabels = (component: string) => find(manifests, 'Deployment', component).spec.template.metadata.labels;
  const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
    Object.entries(selector).every(([key, value]) => labels[key] === value);

  it('knows three Kafka brokers and runs several replicas of each app', () => {
    expect(settings(manifests).KAFKA_BROKERS?.split(',')).toHaveLength(3);
    expect(find(manifests, 'HorizontalPodAutoscaler', 'order-api').spec.minReplicas).toBeGreaterThan(1);
    expect(find(manifests, 'Deployment', 'order-processor').spec.replicas).toBeGreaterThan(1);
  });

  it('has a disruption budget selecting each app’s pods', () => {
    for (const component of ['order-api', 'order-processor']) {
      const budget = find(manifests, 'PodDisruptionBudget', component);
      expect(selects(budget.spec.selector.matchLabels, podLabels(component)), component).toBe(true);
    }
  });

  it('has a ServiceMonitor per app, valid by the ServiceMonitor CRD schema, scraping the metrics path on a port its Service has', () => {
    for (const component of ['order-api', 'order-processor']) {
      const monitor = find(manifests, 'ServiceMonitor', component);
      const service = find(manifests, 'Service', component);

      expect(() => new ServiceMonitor(monitor as never).validate()).not.toThrow();
      expect(selects(monitor.spec.selector.matchLabels, service.metadata.labels ?? {})).toBe(true);
      expect(service.spec.ports.map((port: { name: string }) => port.name)).toContain(monitor.spec.endpoints[0].port);
      expect(monitor.spec.endpoints[0].path).toBe(component === 'order-api' ? endpoints.api.metrics : endpoints.processor.metrics);
    }
  });

  it('uses the existing Secret and renders none of its own', () => {
    const secretNames = [
      find(manifests, 'Deployment', 'order-api'),
      find(manifests, 'Deployment', 'order-processor'),
      find(manifests, 'Job', 'provision'),
    ]
      .flatMap((workload) => container(workload).env)
      .flatMap((variable: { valueFrom?: { secretKeyRef: { name: string } } }) =>
        variable.valueFrom ? [variable.valueFrom.secretKeyRef.name] : [],
      );

    expect(manifests.filter((manifest) => manifest.kind === 'Secret')).toEqual([]);
    expect(new Set(secretNames)).toEqual(new Set(['ouro-connections']));
  });
});

describe('what the chart refuses', () => {
  it('more processor replicas than partition groups, or than partitions', () => {
    expect(() => render(['--set', 'processor.replicas=4', '--set', 'processor.partitionGroups=3'])).toThrow(
      /processor.replicas \(4\) must not exceed the partition groups that hold a partition \(processor.partitionGroups 3, topics.partitions 6\)/,
    );
    expect(() =>
      render(['--set', 'processor.replicas=7', '--set', 'processor.partitionGroups=12', '--set', 'topics.partitions=6']),
    ).toThrow(/processor.replicas \(7\) must not exceed/);
  });

  it('values of the wrong kind or unknown to the chart (values.schema.json)', () => {
    expect(() => render(['--set', 'processor.replicas=three'])).toThrow(/processor\/replicas/);
    expect(() => render(['--set', 'processor.transactionTimeoutMS=60000'])).toThrow(/transactionTimeoutMS/);
  });

  it('a manifest kubeconform finds invalid: the schemas are really applied, offline', () => {
    const [deployment] = render().filter((manifest) => manifest.kind === 'Deployment');
    const broken = structuredClone(deployment) as Manifest;
    broken.spec.template.spec.containers[0].livenessProbe.httpGet.paht = '/health';

    expect(kubeconform([broken]).summary).toMatchObject({ valid: 0, invalid: 1 });
  });
});
