// infra/docker-compose.yml cannot be brought up here (no Docker engine). It is checked as Compose
// reads it instead: parsed as YAML (merge keys resolved, as Compose does), validated against the
// Compose specification's JSON schema, then the points that make the stack start and stop safely.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { loadApiConfig, loadConnections, loadProcessorConfig } from '@ouro/config';
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { imageCommands } from '../../scripts/image-layout.js';

const root = resolve(import.meta.dirname, '../..');
const composeFile = join(root, 'infra/docker-compose.yml');

/**
 * The official compose-spec schema (compose-spec/compose-spec, schema/compose-spec.json), as the
 * `dclint` package ships it: its maintainers download it from the specification's repository.
 */
const composeSchemaFile = join(dirname(createRequire(import.meta.url).resolve('dclint/package.json')), 'schemas/compose.schema.json');

interface Healthcheck {
  readonly test: readonly string[];
}
interface Service {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile: string };
  readonly command?: readonly string[];
  readonly environment?: Readonly<Record<string, string | number>>;
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
  readonly healthcheck?: Healthcheck;
  readonly stop_grace_period?: string;
}
interface ComposeFile {
  readonly services: Readonly<Record<string, Service>>;
}

function validator() {
  const schema = JSON.parse(readFileSync(composeSchemaFile, 'utf8')) as Record<string, unknown>;
  // The schema's own `$schema` names draft-07 by an address Ajv does not register; Ajv's default is draft-07.
  const { $schema: _draft, ...body } = schema;
  // strict: false: the specification uses annotations Ajv's strict mode does not know (`deprecated`).
  return new Ajv({ allErrors: true, strict: false }).compile(body);
}

const explain = (errors: readonly ErrorObject[] | null | undefined) =>
  (errors ?? []).map((error) => `${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);

/** A Go duration (`1m30s`, `40s`, `500ms`), as Compose reads stop_grace_period, in milliseconds. */
function goDurationMs(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) throw new Error(`not a duration: ${text}`);
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * (units[unit ?? ''] ?? Number.NaN), 0);
}

/** The environment as the app sees it: values as strings. */
const envOf = (service: Service) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)]));

const text = readFileSync(composeFile, 'utf8');
const compose = parse(text, { merge: true }) as ComposeFile;
const { services } = compose;
const ouroServices = Object.entries(services).filter(([, service]) => service.image === 'ouro:local');
const infrastructure = Object.keys(services).filter((name) => !ouroServices.some(([ouro]) => ouro === name));
const apps = ouroServices.filter(([, service]) => service.command?.[0] !== 'provision');

describe('infra/docker-compose.yml', () => {
  it('is a valid Compose file by the specification', () => {
    const validate = validator();

    expect(explain(validate(compose) ? [] : validate.errors)).toEqual([]);
  });

  it('would be refused by the same check if it were wrong (a dependency with a condition Compose does not know)', () => {
    const validate = validator();
    const broken = parse(text.replace('condition: service_completed_successfully', 'condition: service_finished'), { merge: true });

    expect(validate(broken)).toBe(false);
  });

  it('runs provision, order-api and order-processor from the one image built from the repository', () => {
    expect(ouroServices.map(([name, service]) => [name, service.command?.[0]])).toEqual([
      ['provision', 'provision'],
      ['order-api', 'order-api'],
      ['order-processor', 'order-processor'],
    ]);
    for (const [, service] of ouroServices) {
      expect(Object.keys(imageCommands)).toContain(service.command?.[0]);
      expect(resolve(dirname(composeFile), service.build?.context ?? '', service.build?.dockerfile ?? '')).toBe(join(root, 'Dockerfile'));
    }
  });

  it('starts provisioning once every service is healthy, and the apps once provisioning succeeded', () => {
    expect(infrastructure).toEqual(['kafka', 'schema-registry', 'postgres', 'redis']);
    const healthy = Object.fromEntries(infrastructure.map((name) => [name, { condition: 'service_healthy' }]));

    expect(services.provision?.depends_on).toEqual(healthy);
    for (const [, app] of apps) {
      expect(app.depends_on).toEqual({ provision: { condition: 'service_completed_successfully' }, ...healthy });
    }
  });

  it('gives every service waited on as healthy a health check, the apps included', () => {
    const waitedOn = Object.values(services).flatMap((service) =>
      Object.entries(service.depends_on ?? {})
        .filter(([, dependency]) => dependency.condition === 'service_healthy')
        .map(([name]) => name),
    );

    for (const name of [...new Set(waitedOn), ...apps.map(([app]) => app)]) {
      expect(services[name]?.healthcheck?.test.length, name).toBeGreaterThan(1);
    }
  });

  it('points the Ouro services at the services of this file, in a form the apps accept', () => {
    for (const [name, service] of ouroServices) {
      const connections = loadConnections(envOf(service));
      const hosts = [
        ...connections.kafkaBrokers.map((broker) => broker.split(':')[0]),
        ...[connections.schemaRegistryUrl, connections.databaseUrl, connections.redisUrl].map((url) => new URL(url).hostname),
      ];

      expect(
        hosts.filter((host) => !infrastructure.includes(host ?? '')),
        name,
      ).toEqual([]);
    }
  });

  it('stops each app no sooner than its own shutdown bound (timeout + 5 s)', () => {
    const processor = services['order-processor'];
    const api = services['order-api'];
    const processorBoundMs = loadProcessorConfig(envOf(processor ?? {})).transactionTimeoutMs + 5_000;
    const apiBoundMs = loadApiConfig(envOf(api ?? {})).produceTimeoutMs + 5_000;

    expect(goDurationMs(processor?.stop_grace_period ?? '0s')).toBeGreaterThan(processorBoundMs);
    expect(goDurationMs(api?.stop_grace_period ?? '0s')).toBeGreaterThan(apiBoundMs);
  });
});
