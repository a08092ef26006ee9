/**
 * Database.listen on the machine's Postgres and on PGlite: NOTIFY is delivered once its transaction commits, never
 * when it rolls back; on Postgres the listener survives its connection being terminated.
 */
import pg from 'pg';
import { openDatabase, type ListenerState } from '@/db/database';
import { createPostgresDatabase, DATABASES, type PostgresTestDatabase } from '../../support/test-databases';

const CHANNEL = 'crc_listen_test';

/** Payloads as they arrive, and a way to wait for one. */
function inbox() {
  const received: string[] = [];
  const waiters: (() => void)[] = [];
  return {
    received,
    push(payload: string) {
      received.push(payload);
      for (const wake of waiters.splice(0)) wake();
    },
    async waitFor(payload: string, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!received.includes(payload)) {
        if (Date.now() > deadline) throw new Error(`no ${payload} within ${timeoutMs} ms; got ${received.join(', ')}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

describe.each(DATABASES)('listen on %s', (_kind, open) => {
  it('delivers a NOTIFY from a committed transaction, not one from a rolled-back one, and only while listening', async () => {
    const { db, dispose } = await open();
    try {
      const box = inbox();
      const states: ListenerState[] = [];
      const stop = await db.listen(CHANNEL, box.push, { onState: (s) => states.push(s) });
      await expect(
        db.transaction(async (tx) => {
          await tx.query('SELECT pg_notify($1, $2)', [CHANNEL, 'rolled-back']);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      await db.transaction(async (tx) => {
        await tx.query('SELECT pg_notify($1, $2)', [CHANNEL, 'committed']);
      });
      await box.waitFor('committed');
      await expect(db.listen('crc; DROP TABLE x', () => undefined)).rejects.toThrow('lowercase SQL identifier');
      // NOTIFYs arrive in commit order: the rolled-back one would have come first.
      expect(box.received).toEqual(['committed']);
      await stop();
      expect(states).toEqual(['listening', 'closed']);
      await db.transaction(async (tx) => {
        await tx.query('SELECT pg_notify($1, $2)', [CHANNEL, 'after stop']);
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(box.received).toEqual(['committed']);
    } finally {
      await dispose();
    }
  });
});

describe('listen on postgres, when the listening connection is terminated', () => {
  let database: PostgresTestDatabase;
  beforeAll(async () => {
    database = await createPostgresDatabase('crc_listen');
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function onOwnConnection<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  it('reconnects, LISTENs again and delivers later events', async () => {
    const db = await openDatabase({ databaseUrl: database.url });
    try {
      const box = inbox();
      const states: ListenerState[] = [];
      await db.listen(CHANNEL, box.push, {
        onState: (s) => states.push(s),
        reconnectDelayMs: 50,
        maxReconnectDelayMs: 200,
      });
      const notify = (payload: string) =>
        onOwnConnection((c) => c.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]));
      await notify('before');
      await box.waitFor('before');

      const terminated = await onOwnConnection(async (c) => {
        const { rows } = await c.query<{ pid: number }>(
          `SELECT pg_terminate_backend(pid), pid FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
        );
        return rows;
      });
      expect(terminated).toHaveLength(1);

      // Delivered once the listener is back: keep notifying until one arrives (a NOTIFY during the gap is lost).
      const deadline = Date.now() + 15_000;
      let n = 0;
      while (!box.received.some((p) => p.startsWith('after-'))) {
        if (Date.now() > deadline) throw new Error(`no event after the reconnect; states ${states.join(', ')}`);
        await notify(`after-${n++}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(states.slice(0, 3)).toEqual(['listening', 'reconnecting', 'listening']);
      const listeners = await onOwnConnection(async (c) => {
        const { rows } = await c.query(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
        );
        return rows;
      });
      expect(listeners).toHaveLength(1);
    } finally {
      // close() stops the listener with the pool.
      await db.close();
    }
    // The backend leaves pg_stat_activity shortly after its client hangs up.
    const deadline = Date.now() + 5000;
    for (;;) {
      const left = await onOwnConnection(async (c) => {
        const { rows } = await c.query(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
        );
        return rows;
      });
      if (left.length === 0) break;
      if (Date.now() > deadline) throw new Error('the listening connection is still open after close()');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
