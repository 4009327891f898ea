import { cdcTables, cdcTablesEnv } from '@ouro/bench/cdc';
import type { Connections } from '@ouro/config';
import type { StackConfig } from '@ouro/infra';
import type { Admin, Kafka } from 'kafkajs';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { RaceState } from '../shared/protocol.js';
import { cdcRelayNames, connectMissing, relayedAll } from './cdc-relay.js';
import type { ContenderSpec } from './contenders.js';
import { Race } from './race.js';

describe('the CDC relay in the race', () => {
  it('names its connector, topic and tables from one unique name, the tables as plain SQL identifiers', () => {
    // when
    const names = cdcRelayNames('console-race-cdc-1a2b3c4d');

    // then
    expect(names).toEqual({
      connector: 'console-race-cdc-1a2b3c4d',
      topic: 'console-race-cdc-1a2b3c4d.events',
      tables: { orders: 'console_race_cdc_1a2b3c4d_orders', outbox: 'console_race_cdc_1a2b3c4d_outbox' },
    });
    // and the CDC server takes them as they are
    expect(cdcTables(cdcTablesEnv(names.tables))).toEqual(names.tables);
  });

  it('is drained once every order it stored has been seen in its topic, not before', () => {
    const seen = new Set(['a', 'b']);
    expect(relayedAll(['a', 'b'], (id) => seen.has(id))).toBe(true);
    expect(relayedAll(['a', 'b', 'c'], (id) => seen.has(id))).toBe(false);
    expect(relayedAll([], () => false)).toBe(true);
  });

  it('says where Connect was looked for and how to bring it up when it does not answer', () => {
    const answer = connectMissing('http://127.0.0.1:8083', new Error('connect ECONNREFUSED 127.0.0.1:8083'));
    expect(answer).toMatchObject({ available: false });
    expect(answer.available ? '' : answer.reason).toMatch(/http:\/\/127\.0\.0\.1:8083 .*ECONNREFUSED.*--with cdc/);
  });
});

describe('which designs a race runs', () => {
  const spec = (name: string, availability?: ContenderSpec['availability']): ContenderSpec => ({
    name,
    title: name.toUpperCase(),
    summary: '',
    ...(availability ? { availability } : {}),
    start: () => Promise.reject(new Error('not started here')),
  });

  it('runs every design that can run here, and tells the page why the others are left out', async () => {
    // given one design that always runs, one whose service answers and one whose service does not
    const states: RaceState[] = [];
    const race = new Race({
      specs: [
        spec('ouro'),
        spec('here', async () => ({ available: true })),
        spec('cdc-relay', async () => ({ available: false, reason: 'Kafka Connect does not answer' })),
      ],
      connections: {} as Connections,
      stack: {} as StackConfig,
      kafka: {} as Kafka,
      admin: {} as Admin,
      pool: {} as pg.Pool,
      onState: (state) => states.push(state),
      onFault: () => {},
      nextFaultId: () => 1,
    });

    // when
    const designs = await race.designs();

    // then
    expect(designs.map((design) => design.name)).toEqual(['ouro', 'here']);
    expect(states.at(-1)?.unavailable).toEqual([{ name: 'cdc-relay', title: 'CDC-RELAY', reason: 'Kafka Connect does not answer' }]);
    expect(race.current.unavailable).toHaveLength(1);
  });
});
