import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onceFor, requireCommand } from './install.js';
import { run } from './process.js';
import type { Report } from './service.js';
import { toolsDir } from './tools-dir.js';

/**
 * The tools that check the deployment files (the Helm chart, its rendered manifests, the alert rules,
 * the scrape configuration and the Grafana dashboard), installed once into the project's tools
 * folder like the stack's parts: a rerun finds the stamp and skips. Helm, kubeconform, promtool and
 * the dashboard checker build from the Go module proxy; the Kubernetes JSON schemas come from PyPI.
 */

const HELM = 'helm.sh/helm/v3/cmd/helm@v3.22.0';
const KUBECONFORM = 'github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0';
/** Prometheus' module tags are v0.x for its 3.x releases. */
const PROMTOOL = 'github.com/prometheus/prometheus/cmd/promtool@v0.316.0';
/** Grafana's foundation SDK, whose strict loader infra/observability/dashboard-check runs. */
const GRAFANA_SDK = 'github.com/grafana/grafana-foundation-sdk/go@v0.0.22';
const dashboardCheckSource = join(import.meta.dirname, '../observability/dashboard-check/main.go');
/** Ships the Kubernetes API's JSON schemas, one folder per minor version, strict and not. */
const KUBERNETES_VALIDATE = 'kubernetes-validate==1.37.0';
/** The Kubernetes version the rendered manifests are validated against. */
export const KUBERNETES_VERSION = '1.33.0';

export interface DeployTools {
  readonly helm: string;
  readonly kubeconform: string;
  readonly promtool: string;
  /** Loads Grafana dashboards strictly with Grafana's foundation SDK (infra/observability/dashboard-check). */
  readonly dashboardCheck: string;
  /** kubeconform's -schema-location for the built-in kinds, offline. */
  readonly kubernetesSchemaLocation: string;
  readonly kubernetesVersion: string;
}

const schemaFolder = `v${KUBERNETES_VERSION}-local-strict`;

/** Where the tools are once installed (nothing is checked or installed here). */
export const deployTools: DeployTools = Object.freeze({
  helm: join(toolsDir, 'helm/helm'),
  kubeconform: join(toolsDir, 'kubeconform/kubeconform'),
  promtool: join(toolsDir, 'promtool/promtool'),
  dashboardCheck: join(toolsDir, 'dashboard-check/dashboard-check'),
  // kubeconform fills in the version (`v1.33.0`) and `-strict` under -strict, and the file name as
  // kubernetes-validate names its files: `deployment-apps-v1.json`, `service-v1.json`.
  kubernetesSchemaLocation: join(
    toolsDir,
    'kubernetes-json-schema/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json',
  ),
  kubernetesVersion: KUBERNETES_VERSION,
});

async function goInstall(module: string, dir: string, report: Report): Promise<void> {
  await onceFor(dir, [module], async () => {
    await requireCommand('go', 'install Go 1.26 or later (both modules ask for it; Debian 12 packages an older one)');
    report(`building ${module} from the Go module proxy (first run only)`);
    mkdirSync(dir, { recursive: true });
    await run('go', ['install', module], { env: { ...process.env, GOBIN: dir } });
  });
}

/** Our checker's source, built in a scratch module that requires the SDK at the pinned version. */
async function buildDashboardCheck(report: Report): Promise<void> {
  const dir = join(toolsDir, 'dashboard-check');
  await onceFor(dir, [GRAFANA_SDK, dashboardCheckSource], async () => {
    await requireCommand('go', 'install Go 1.26 or later (Debian 12 packages an older one)');
    report(`building the dashboard checker on ${GRAFANA_SDK} from the Go module proxy (first run only)`);
    const module = join(dir, 'module');
    rmSync(module, { recursive: true, force: true });
    mkdirSync(module, { recursive: true });
    writeFileSync(join(module, 'go.mod'), 'module ouro.local/dashboard-check\n\ngo 1.26\n');
    writeFileSync(join(module, 'main.go'), readFileSync(dashboardCheckSource));
    await run('go', ['get', GRAFANA_SDK], { cwd: module });
    await run('go', ['build', '-o', deployTools.dashboardCheck, '.'], { cwd: module });
  });
}

/**
 * kubernetes-validate's schemas name their shared definitions by an absolute URL
 * (`$id: https://kubernetes.io/api/…`, `$ref: /api/_definitions.json#…`), which kubeconform would try
 * to download. Without the `$id` and with the reference made relative, each file resolves
 * `_definitions.json` beside it, from disk. Nothing else in the schemas changes.
 */
function makeSchemasLocal(dir: string): void {
  for (const file of readdirSync(dir)) {
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    delete schema.$id;
    writeFileSync(join(dir, file), JSON.stringify(schema).replaceAll('"/api/_definitions.json#', '"_definitions.json#'));
  }
}

async function installKubernetesSchemas(report: Report): Promise<void> {
  const dir = join(toolsDir, 'kubernetes-json-schema');
  // This file is an input too (its content): a changed rewrite re-installs.
  await onceFor(dir, [KUBERNETES_VALIDATE, KUBERNETES_VERSION, import.meta.filename], async () => {
    await requireCommand('python3', 'install Python 3 with pip (Debian: `apt-get install -y python3-pip`)');
    report(`downloading the Kubernetes ${KUBERNETES_VERSION} JSON schemas (${KUBERNETES_VALIDATE} from PyPI, first run only)`);
    rmSync(dir, { recursive: true, force: true });
    const wheelDir = join(dir, 'wheel');
    await run('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-q', '-d', wheelDir, KUBERNETES_VALIDATE]);
    const wheel = readdirSync(wheelDir).find((file) => file.endsWith('.whl'));
    if (!wheel) throw new Error(`pip downloaded no wheel for ${KUBERNETES_VALIDATE}`);
    // Only the pinned version's strict folder: the wheel holds thirteen versions, twice each.
    const prefix = `kubernetes_validate/kubernetes-json-schema/${schemaFolder}/`;
    const extract = `import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    members = [name for name in wheel.namelist() if name.startswith(sys.argv[2]) and name.endswith('.json')]
    if not members: sys.exit('no ' + sys.argv[2] + ' in the wheel')
    wheel.extractall(sys.argv[3], members)`;
    await run('python3', ['-c', extract, join(wheelDir, wheel), prefix, wheelDir]);
    const extracted = join(wheelDir, prefix);
    makeSchemasLocal(extracted);
    await run('mv', [extracted, join(dir, schemaFolder)]);
    rmSync(wheelDir, { recursive: true, force: true });
  });
}

/** Installs what is missing; every tool is skipped once its stamp matches. Resolves with the paths. */
export async function ensureDeployTools(report: Report = () => {}): Promise<DeployTools> {
  // One Go build at a time (two cores); the schema download runs beside them.
  await Promise.all([
    (async () => {
      await goInstall(HELM, join(toolsDir, 'helm'), report);
      await goInstall(KUBECONFORM, join(toolsDir, 'kubeconform'), report);
      await goInstall(PROMTOOL, join(toolsDir, 'promtool'), report);
      await buildDashboardCheck(report);
    })(),
    installKubernetesSchemas(report),
  ]);
  return deployTools;
}
