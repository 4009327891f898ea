import pWaitFor from 'p-wait-for';
import pg from 'pg';

export interface SlotState {
  /** A walsender streams from it: its connector's task is running. */
  readonly active: boolean;
  /** WAL PostgreSQL keeps for it, in bytes: what an abandoned slot makes grow without end. */
  readonly retainedWalBytes: number;
}

/** PostgreSQL refused to drop the slot because a connection still streams from it. */
const objectInUse = '55006';

export async function replicationSlot(pool: pg.Pool, slot: string): Promise<SlotState | undefined> {
  const { rows } = await pool.query<{ active: boolean; retained: string | null }>(
    `select active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint as retained
       from pg_replication_slots where slot_name = $1`,
    [slot],
  );
  const row = rows[0];
  return row && { active: row.active, retainedWalBytes: Number(row.retained ?? 0) };
}

/** Resolves once a connection streams from the slot: from then on, every committed change reaches the connector. */
export async function awaitSlotActive(pool: pg.Pool, slot: string, { timeoutMs = 60_000 } = {}): Promise<void> {
  await pWaitFor(async () => (await replicationSlot(pool, slot))?.active === true, {
    interval: 100,
    timeout: { milliseconds: timeoutMs, message: `replication slot ${slot} not streaming after ${timeoutMs} ms` },
  });
}

/**
 * Drops a connector's replication slot once nothing streams from it any more (a deleted
 * connector's task stops a moment after the DELETE). A logical slot nobody reads makes PostgreSQL
 * keep every WAL segment from its position on, for ever: a connector removed for good must take
 * its slot with it. Resolves false when there was no such slot.
 */
export async function dropReplicationSlot(pool: pg.Pool, slot: string, { timeoutMs = 60_000 } = {}): Promise<boolean> {
  let existed = false;
  await pWaitFor(
    async () => {
      const state = await replicationSlot(pool, slot);
      if (!state) return true;
      existed = true;
      if (state.active) return false;
      try {
        await pool.query('select pg_drop_replication_slot($1)', [slot]);
        return true;
      } catch (error) {
        // Taken again between the look and the drop (a task restarting): look again.
        if ((error as { code?: string }).code === objectInUse) return false;
        throw error;
      }
    },
    {
      interval: 200,
      timeout: {
        milliseconds: timeoutMs,
        message: `replication slot ${slot} still in use after ${timeoutMs} ms: is its connector deleted?`,
      },
    },
  );
  return existed;
}

/** The publication Debezium created for a connector (`publication.autocreate.mode`). */
export async function dropPublication(pool: pg.Pool, publication: string): Promise<void> {
  await pool.query(`drop publication if exists ${pg.escapeIdentifier(publication)}`);
}

/** Where PostgreSQL's WAL ends now: every transaction committed so far lies before it. */
export async function currentWalPosition(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
  const lsn = rows[0]?.lsn;
  if (!lsn) throw new Error('PostgreSQL gave no WAL position');
  return lsn;
}

/**
 * Whether the slot's reader has confirmed everything before `lsn`: Debezium confirms a position once
 * the records before it are in Kafka and their offsets are flushed, so everything committed before
 * `lsn` has been published. False when there is no such slot.
 */
export async function slotConfirmedPast(pool: pg.Pool, slot: string, lsn: string): Promise<boolean> {
  const { rows } = await pool.query<{ past: boolean | null }>(
    'select confirmed_flush_lsn >= $2::pg_lsn as past from pg_replication_slots where slot_name = $1',
    [slot, lsn],
  );
  return rows[0]?.past === true;
}
