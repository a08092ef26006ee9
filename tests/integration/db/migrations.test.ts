/**
 * The migration runner, on real Postgres and on PGlite: the migrated database is what schema.prisma describes, recorded
 * as Prisma records it, and append-only.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database, type DatabaseKind } from '@/db/database';
import { FailedMigrationError, MigrationChecksumError, MigrationError, migrate, readMigrations } from '@/db/migrations';
import { createPostgresDatabase } from '../../support/test-databases';

// The workplace's Postgres (DESIGN.md, "Environment facts"); each run gets its own database.
const SCHEMA_FILE = join('prisma', 'schema.prisma');
const MIGRATIONS_DIR = join('prisma', 'migrations');

interface TestDatabase {
  open(): Promise<Database>;
  dispose(): Promise<void>;
}

async function postgresDatabase(): Promise<TestDatabase> {
  const fresh = await createPostgresDatabase('crc_test');
  return { open: () => openDatabase({ databaseUrl: fresh.url }), dispose: fresh.drop };
}

// A fresh PGlite cluster costs seconds of initdb; copying an empty one made once costs milliseconds.
let pgliteTemplate: Promise<string> | undefined;

async function emptyPgliteCluster(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crc-pglite-template-'));
  const db = await openDatabase({ dataDir: dir });
  await db.close();
  return dir;
}

async function pgliteDatabase(): Promise<TestDatabase> {
  const template = await (pgliteTemplate ??= emptyPgliteCluster());
  const dir = await mkdtemp(join(tmpdir(), 'crc-pglite-'));
  await cp(template, join(dir, 'pglite'), { recursive: true });
  return {
    open: () => openDatabase({ dataDir: join(dir, 'pglite') }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

afterAll(async () => {
  if (pgliteTemplate) await rm(await pgliteTemplate, { recursive: true, force: true });
});

const DATABASES: [DatabaseKind, () => Promise<TestDatabase>][] = [
  ['postgres', postgresDatabase],
  ['pglite', pgliteDatabase],
];

// ---- What schema.prisma says the database holds, read from the file itself ----

interface ExpectedColumn {
  column: string;
  /** information_schema's data_type, or the enum's name for enum columns. */
  type: string;
  nullable: boolean;
  /** information_schema's column_default, null when the database supplies none. */
  default: string | null;
  /** For timestamps, the fractional-second digits. */
  precision?: number;
}

interface ExpectedTable {
  table: string;
  columns: ExpectedColumn[];
  primaryKey: string[];
  indexes: { name: string; columns: string[]; unique: boolean }[];
  /** Prisma names a foreign key <table>_<columns>_fkey; ON UPDATE is always CASCADE for required relations. */
  foreignKeys: { name: string; columns: string[]; references: string; referencedColumns: string[]; onDelete: string }[];
}

interface ExpectedSchema {
  tables: ExpectedTable[];
  enums: { name: string; values: string[] }[];
}

function mapped(attributes: string): string | null {
  return /@@?map\("([^"]+)"\)/.exec(attributes)?.[1] ?? null;
}

/**
 * Reads the models and enums of a Prisma schema and derives the Postgres objects `prisma migrate`
 * creates for them (Prisma's documented type mapping for PostgreSQL). Anything this reader does not
 * know fails the test, so that the schema cannot grow past what is checked.
 */
function expectedSchema(source: string): ExpectedSchema {
  const text = source.replace(/\/\/.*$/gm, '');
  const blocks = [...text.matchAll(/^(model|enum)\s+(\w+)\s*\{([^}]*)\}/gm)];
  const tableOf = new Map(
    blocks
      .filter(([, kind]) => kind === 'model')
      .map(([, , name, body]) => [
        name,
        mapped(
          body
            .split('\n')
            .filter((l) => l.trim().startsWith('@@'))
            .join(' '),
        ) ?? name,
      ]),
  );
  const enums = new Map<string, { name: string; values: string[] }>();
  for (const [, kind, name, body] of blocks) {
    if (kind !== 'enum') continue;
    const lines = body
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    // A value's own @map names the label Postgres holds.
    const values = lines.filter((l) => !l.startsWith('@@')).map((l) => mapped(l) ?? l.split(/\s+/)[0]);
    enums.set(name, { name: /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? name, values });
  }
  const scalar: Record<string, string> = {
    String: 'text',
    Boolean: 'boolean',
    Int: 'integer',
    BigInt: 'bigint',
    Float: 'double precision',
    Json: 'jsonb',
    Bytes: 'bytea',
    DateTime: 'timestamp without time zone',
  };
  const native: Record<string, string> = {
    Uuid: 'uuid',
    Text: 'text',
    Timestamptz: 'timestamp with time zone',
    Timestamp: 'timestamp without time zone',
    DoublePrecision: 'double precision',
  };
  const tables: ExpectedTable[] = [];
  for (const [, kind, name, body] of blocks) {
    if (kind !== 'model') continue;
    const table =
      mapped(
        body
          .split('\n')
          .filter((l) => l.trim().startsWith('@@'))
          .join(' '),
      ) ?? name;
    const columns: ExpectedColumn[] = [];
    const dbName = new Map<string, string>();
    const primaryKey: string[] = [];
    const indexes: ExpectedTable['indexes'] = [];
    const relations: { fields: string[]; model: string; references: string[]; onDelete: string }[] = [];
    for (const raw of body.split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      const index = /^@@index\(\[([^\]]+)\]\)$/.exec(line);
      if (index) {
        const fields = index[1].split(',').map((f) => f.trim());
        const cols = fields.map((f) => dbName.get(f) ?? f);
        indexes.push({ name: `${table}_${cols.join('_')}_idx`, columns: cols, unique: false });
        continue;
      }
      const unique = /^@@unique\(\[([^\]]+)\]\)$/.exec(line);
      if (unique) {
        const cols = unique[1].split(',').map((f) => dbName.get(f.trim()) ?? f.trim());
        indexes.push({ name: `${table}_${cols.join('_')}_key`, columns: cols, unique: true });
        continue;
      }
      if (/^@@map\(/.test(line)) continue;
      if (line.startsWith('@@')) throw new Error(`schema reader: block attribute not checked: ${line}`);
      const field = /^(\w+)\s+(\w+)(\?|\[\])?\s*(.*)$/.exec(line);
      if (!field) throw new Error(`schema reader: cannot read field line: ${line}`);
      const [, fieldName, type, modifier, attributes] = field;
      if (tableOf.has(type)) {
        // A relation field has no column: the list side holds nothing, the other side names its key columns.
        if (modifier === '[]' && attributes === '') continue;
        const relation = /^@relation\(fields: \[([^\]]+)\], references: \[([^\]]+)\], onDelete: (\w+)\)$/.exec(
          attributes,
        );
        if (!relation || modifier) throw new Error(`schema reader: relation not checked: ${line}`);
        const list = (names: string) => names.split(',').map((f) => f.trim());
        const onDelete = { Restrict: 'RESTRICT', Cascade: 'CASCADE', SetNull: 'SET NULL', NoAction: 'NO ACTION' }[
          relation[3]
        ];
        if (!onDelete) throw new Error(`schema reader: onDelete not checked: ${relation[3]}`);
        relations.push({ fields: list(relation[1]), model: type, references: list(relation[2]), onDelete });
        continue;
      }
      if (modifier === '[]') throw new Error(`schema reader: list fields are not checked: ${line}`);
      const column = mapped(attributes) ?? fieldName;
      dbName.set(fieldName, column);
      const nativeType = /@db\.(\w+)(?:\((\d+)\))?/.exec(attributes);
      let columnType: string;
      let precision: number | undefined;
      if (enums.has(type)) columnType = enums.get(type)!.name;
      else if (nativeType) {
        if (!native[nativeType[1]]) throw new Error(`schema reader: native type not checked: ${nativeType[0]}`);
        columnType = native[nativeType[1]];
        if (nativeType[2] !== undefined) precision = Number(nativeType[2]);
      } else if (scalar[type]) columnType = scalar[type];
      else throw new Error(`schema reader: type not checked: ${type}`);
      if (type === 'DateTime' && precision === undefined) precision = 3;
      const defaultArg = /@default\((.*?)\)(?=\s+@|\s*$)/.exec(attributes)?.[1];
      let columnDefault: string | null = null;
      if (defaultArg === 'now()') columnDefault = 'CURRENT_TIMESTAMP';
      else if (defaultArg?.startsWith('dbgenerated(')) columnDefault = /dbgenerated\("(.*)"\)/.exec(defaultArg)![1];
      else if (defaultArg === 'autoincrement()') columnDefault = `nextval('${table}_${column}_seq'::regclass)`;
      else if (defaultArg !== undefined && /^-?\d+$/.test(defaultArg)) columnDefault = defaultArg;
      else if (defaultArg !== undefined && enums.has(type)) {
        const label = [...text.matchAll(new RegExp(`^enum\\s+${type}\\s*\\{([^}]*)\\}`, 'gm'))][0][1]
          .split('\n')
          .map((l) => l.trim())
          .find((l) => l.split(/\s+/)[0] === defaultArg);
        columnDefault = `'${mapped(label ?? '') ?? defaultArg}'::${enums.get(type)!.name}`;
      } else if (defaultArg !== undefined) throw new Error(`schema reader: default not checked: ${defaultArg}`);
      for (const attribute of attributes.matchAll(/@(\w+(?:\.\w+)?)/g)) {
        if (!['id', 'unique', 'default', 'map', `db.${nativeType?.[1]}`].includes(attribute[1])) {
          throw new Error(`schema reader: attribute not checked: @${attribute[1]} in ${line}`);
        }
      }
      if (/@id\b/.test(attributes)) primaryKey.push(column);
      if (/@unique\b/.test(attributes))
        indexes.push({ name: `${table}_${column}_key`, columns: [column], unique: true });
      columns.push({
        column,
        type: columnType,
        nullable: modifier === '?',
        default: columnDefault,
        ...(precision !== undefined ? { precision } : {}),
      });
    }
    const foreignKeys = relations.map((r) => {
      const cols = r.fields.map((f) => dbName.get(f) ?? f);
      // Referenced columns are named as the referenced model maps them; every key here is a plain id.
      return {
        name: `${table}_${cols.join('_')}_fkey`,
        columns: cols,
        references: tableOf.get(r.model)!,
        referencedColumns: r.references,
        onDelete: r.onDelete,
      };
    });
    tables.push({ table, columns, primaryKey, indexes, foreignKeys });
  }
  return { tables, enums: [...enums.values()] };
}

// ---- What the migrated database holds, read from the catalogs ----

async function actualTable(db: Database, table: string): Promise<ExpectedTable> {
  return db.transaction(async (tx) => {
    const columns = await tx.query<{
      column_name: string;
      data_type: string;
      udt_name: string;
      is_nullable: string;
      column_default: string | null;
      datetime_precision: number | null;
    }>(
      `SELECT column_name, data_type, udt_name, is_nullable, column_default, datetime_precision
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    const indexes = await tx.query<{ name: string; columns: string; primary: boolean; unique: boolean }>(
      `SELECT i.relname AS name, string_agg(a.attname, ',' ORDER BY k.n) AS columns, bool_or(ix.indisprimary) AS primary,
              bool_or(ix.indisunique) AS unique
         FROM pg_index ix
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = 'public'
         CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        WHERE t.relname = $1
        GROUP BY i.relname ORDER BY i.relname`,
      [table],
    );
    const foreignKeys = await tx.query<{
      name: string;
      columns: string;
      references: string;
      referenced_columns: string;
      on_delete: string;
    }>(
      `SELECT c.conname AS name,
              (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns,
              c.confrelid::regclass::text AS references,
              (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS referenced_columns,
              CASE c.confdeltype WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'a' THEN 'NO ACTION' ELSE c.confdeltype::text END AS on_delete
         FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = $1::regclass ORDER BY c.conname`,
      [table],
    );
    const primary = indexes.find((i) => i.primary);
    return {
      table,
      columns: columns.map((c) => ({
        column: c.column_name,
        type: c.data_type === 'USER-DEFINED' ? c.udt_name : c.data_type,
        nullable: c.is_nullable === 'YES',
        default: c.column_default,
        ...(c.data_type.startsWith('timestamp') ? { precision: Number(c.datetime_precision) } : {}),
      })),
      primaryKey: primary ? primary.columns.split(',') : [],
      indexes: indexes
        .filter((i) => !i.primary)
        .map((i) => ({ name: i.name, columns: i.columns.split(','), unique: i.unique })),
      foreignKeys: foreignKeys.map((f) => ({
        name: f.name,
        columns: f.columns.split(','),
        references: f.references.replace(/^"|"$/g, ''),
        referencedColumns: f.referenced_columns.split(','),
        onDelete: f.on_delete,
      })),
    };
  });
}

async function scalarQuery<T>(db: Database, sql: string, params: unknown[] = []): Promise<T[]> {
  return db
    .transaction((tx) => tx.query<Record<string, T>>(sql, params))
    .then((rows) => rows.map((r) => Object.values(r)[0]));
}

/** Indexes Prisma cannot describe (partial ones), written by hand in the migrations and checked on their own. */
const HAND_WRITTEN_INDEXES = ['alert_one_open_per_stay_kind'];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('schema.prisma reader used by these tests', () => {
  it('derives the prediction table, its enum and its indexes', async () => {
    const expected = expectedSchema(await readFile(SCHEMA_FILE, 'utf8'));
    expect(expected.tables.map((t) => t.table)).toEqual([
      'prediction',
      'api_key',
      'session',
      'stay',
      'observation',
      'assessment',
      'alert',
      'alert_event',
    ]);
    expect(expected.enums).toEqual([
      { name: 'risk_band', values: ['LOW', 'MODERATE', 'HIGH'] },
      { name: 'role', values: ['clinician', 'auditor', 'admin'] },
      { name: 'observation_source', values: ['graphql', 'fhir', 'nats', 'replay'] },
      { name: 'observation_status', values: ['final', 'amended', 'entered-in-error'] },
      { name: 'alert_kind', values: ['sepsis', 'news2', 'qsofa'] },
      { name: 'alert_state', values: ['open', 'acknowledged', 'resolved'] },
    ]);
    const observation = expected.tables[4];
    expect(observation.columns.find((c) => c.column === 'seq')?.default).toBe(
      "nextval('observation_seq_seq'::regclass)",
    );
    expect(observation.columns.find((c) => c.column === 'status')?.default).toBe("'final'::observation_status");
    const prediction = expected.tables[0];
    expect(prediction.primaryKey).toEqual(['id']);
    expect(prediction.columns.find((c) => c.column === 'created_at')).toEqual({
      column: 'created_at',
      type: 'timestamp with time zone',
      nullable: false,
      default: 'CURRENT_TIMESTAMP',
      precision: 3,
    });
    expect(prediction.indexes.map((i) => [i.columns, i.unique])).toEqual([
      [['model_id', 'created_at'], false],
      [['patient_ref', 'created_at'], false],
      [['risk_band', 'created_at'], false],
      [['requester', 'created_at'], false],
      [['created_at', 'id'], false],
      [['sequence'], true],
      [['hash'], true],
    ]);
  });

  it('derives the access tables: a unique key hash, and sessions that cannot outlive the key they belong to', () => {
    const [, apiKey, session] = expectedSchema(readFileSync(SCHEMA_FILE, 'utf8')).tables;
    expect(apiKey.indexes).toEqual([{ name: 'api_key_secret_hash_key', columns: ['secret_hash'], unique: true }]);
    expect(apiKey.columns.find((c) => c.column === 'role')).toMatchObject({ type: 'role', nullable: false });
    expect(apiKey.foreignKeys).toEqual([]);
    expect(session.foreignKeys).toEqual([
      {
        name: 'session_api_key_id_fkey',
        columns: ['api_key_id'],
        references: 'api_key',
        referencedColumns: ['id'],
        onDelete: 'RESTRICT',
      },
    ]);
    expect(session.columns.map((c) => c.column)).toEqual([
      'id',
      'token_hash',
      'api_key_id',
      'created_at',
      'expires_at',
    ]);
  });

  it('refuses a schema feature it does not check', () => {
    expect(() => expectedSchema('model A {\n  id Int @id @updatedAt\n}')).toThrow(/@updatedAt/);
    expect(() =>
      expectedSchema(
        'model A {\n  id Int @id\n  b B @relation(fields: [id], references: [id])\n}\nmodel B {\n  id Int @id\n}',
      ),
    ).toThrow(/relation not checked/);
    expect(() => expectedSchema('model A {\n  id Int @id\n  @@fulltext([id])\n}')).toThrow(/@@fulltext/);
  });
});

describe.each(DATABASES)('migrations on %s', (_kind, create) => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await create();
    db = await database.open();
  });

  afterAll(async () => {
    await db?.close();
    await database?.dispose();
  });

  it('applies every migration once, in order, and records it as Prisma does', async () => {
    const files = await readMigrations(MIGRATIONS_DIR);
    const first = await migrate(db, { migrationsDir: MIGRATIONS_DIR });
    expect(first.applied).toEqual(files.map((f) => f.name));
    expect(first.applied).toEqual([...first.applied].sort());

    const rows = await db.transaction((tx) =>
      tx.query<{
        id: string;
        checksum: string;
        migration_name: string;
        finished_at: Date | null;
        started_at: Date;
        logs: string | null;
        rolled_back_at: Date | null;
        applied_steps_count: number;
      }>('SELECT * FROM "_prisma_migrations" ORDER BY started_at'),
    );
    expect(rows.map((r) => r.migration_name)).toEqual(first.applied);
    for (const row of rows) {
      const sql = await readFile(join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'), 'utf8');
      expect(row.checksum).toBe(sha256(sql));
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row).toMatchObject({ logs: null, rolled_back_at: null, applied_steps_count: 1 });
    }

    const second = await migrate(db, { migrationsDir: MIGRATIONS_DIR });
    expect(second.applied).toEqual([]);
    expect(await scalarQuery(db, 'SELECT count(*)::int FROM "_prisma_migrations"')).toEqual([rows.length]);
  });

  it('keeps its bookkeeping in a table shaped exactly like the one Prisma creates', async () => {
    const table = await actualTable(db, '_prisma_migrations');
    expect(table.columns).toEqual([
      { column: 'id', type: 'character varying', nullable: false, default: null },
      { column: 'checksum', type: 'character varying', nullable: false, default: null },
      { column: 'finished_at', type: 'timestamp with time zone', nullable: true, default: null, precision: 6 },
      { column: 'migration_name', type: 'character varying', nullable: false, default: null },
      { column: 'logs', type: 'text', nullable: true, default: null },
      { column: 'rolled_back_at', type: 'timestamp with time zone', nullable: true, default: null, precision: 6 },
      { column: 'started_at', type: 'timestamp with time zone', nullable: false, default: 'now()', precision: 6 },
      { column: 'applied_steps_count', type: 'integer', nullable: false, default: '0' },
    ]);
    expect(table.primaryKey).toEqual(['id']);
    const lengths = await scalarQuery(
      db,
      `SELECT string_agg(column_name || ':' || character_maximum_length, ',' ORDER BY ordinal_position)
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' AND character_maximum_length IS NOT NULL`,
    );
    expect(lengths).toEqual(['id:36,checksum:64,migration_name:255']);
  });

  it('leaves the database as schema.prisma describes it: tables, columns, types, nullability, defaults, indexes, enums', async () => {
    const expected = expectedSchema(await readFile(SCHEMA_FILE, 'utf8'));
    const tables = await scalarQuery<string>(
      db,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    expect(tables).toEqual(['_prisma_migrations', ...expected.tables.map((t) => t.table)].sort());
    for (const table of expected.tables) {
      const actual = await actualTable(db, table.table);
      expect(actual.columns).toEqual(table.columns);
      expect(actual.primaryKey).toEqual(table.primaryKey);
      expect(actual.indexes.filter((i) => !HAND_WRITTEN_INDEXES.includes(i.name))).toEqual(
        [...table.indexes].sort((a, b) => a.name.localeCompare(b.name)),
      );
      expect(actual.foreignKeys).toEqual(table.foreignKeys);
      const pkeyName = await scalarQuery(
        db,
        `SELECT conname FROM pg_constraint WHERE contype = 'p' AND conrelid = $1::regclass`,
        [table.table],
      );
      expect(pkeyName).toEqual([`${table.table}_pkey`]);
    }
    const enums = await db.transaction((tx) =>
      tx.query<{ name: string; values: string }>(
        `SELECT t.typname AS name, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS values
           FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace s ON s.oid = t.typnamespace AND s.nspname = 'public'
          GROUP BY t.typname ORDER BY t.typname`,
      ),
    );
    expect(enums.map((e) => ({ name: e.name, values: e.values.split(',') }))).toEqual(
      [...expected.enums].sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('keeps one open alert per stay and kind with a partial unique index', async () => {
    const [definition] = await scalarQuery<string>(
      db,
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'alert_one_open_per_stay_kind'`,
    );
    expect(definition).toMatch(
      /CREATE UNIQUE INDEX alert_one_open_per_stay_kind ON public\.alert USING btree \(stay_id, kind\) WHERE \(state = 'open'::alert_state\)/,
    );
  });

  it.each(['observation', 'assessment', 'alert_event'])('keeps %s append-only', async (table) => {
    for (const statement of [
      `UPDATE ${table} SET id = id WHERE false`,
      `DELETE FROM ${table}`,
      `TRUNCATE ${table} CASCADE`,
    ])
      await expect(db.transaction((tx) => tx.exec(statement))).rejects.toThrow(`${table} is append-only`);
  });

  describe('the prediction table is append-only', () => {
    // Every record is a link of the chain: sequence, previous_hash and hash are NOT NULL (values here are
    // placeholders).
    const insert = `INSERT INTO prediction (model_id, model_version, onnx_sha256, inputs, vector, probability, positive, risk_band,
        base_value, contributions, request_id, latency_ms, sequence, previous_hash, hash)
      VALUES ('diabetes', '1', $1, '[]', '[]', 0.5, true, 'MODERATE', 0, '[]', 'req-1', 1, $2, $3, $4) RETURNING id`;

    let id: string;
    beforeAll(async () => {
      [id] = await scalarQuery<string>(db, insert, [sha256('model'), 1, '0'.repeat(64), sha256('link 1')]);
    });

    it.each([
      ['UPDATE', `UPDATE prediction SET requester = 'someone'`],
      ['DELETE', 'DELETE FROM prediction'],
      ['TRUNCATE', 'TRUNCATE prediction'],
      ['UPDATE', `UPDATE prediction SET requester = 'someone' WHERE false`],
    ])('rejects %s: %s', async (operation, statement) => {
      await expect(db.transaction((tx) => tx.exec(statement))).rejects.toThrow(
        `prediction is an append-only audit log: ${operation} is not allowed`,
      );
      expect(await scalarQuery(db, 'SELECT requester FROM prediction WHERE id = $1', [id])).toEqual([null]);
    });

    it('still accepts inserts, with the id and createdAt filled in by the database', async () => {
      const [row] = await db.transaction((tx) =>
        tx.query<{ id: string; created_at: Date }>(`${insert}, created_at`, [
          sha256('model'),
          2,
          sha256('link 1'),
          sha256('link 2'),
        ]),
      );
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.created_at).toBeInstanceOf(Date);
    });
  });
});

describe.each(DATABASES)('migration history on %s', (kind, create) => {
  let database: TestDatabase;
  let db: Database;
  let dir: string;

  beforeEach(async () => {
    database = await create();
    db = await database.open();
    dir = await mkdtemp(join(tmpdir(), 'crc-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
  });

  afterEach(async () => {
    await db?.close();
    await database?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function addMigration(name: string, sql: string): Promise<void> {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }

  it('refuses to go on when an applied migration was changed, applying nothing new', async () => {
    const [init] = (await migrate(db, { migrationsDir: dir })).applied;
    await appendFile(join(dir, init, 'migration.sql'), '\n-- an edit after the fact\n');
    await addMigration('29990101000000_later', 'CREATE TABLE later_table (id int);');
    const refused = migrate(db, { migrationsDir: dir });
    await expect(refused).rejects.toBeInstanceOf(MigrationChecksumError);
    await expect(refused).rejects.toMatchObject({ code: 'MIGRATION_CHECKSUM_MISMATCH', migrationName: init });
    expect(await scalarQuery(db, `SELECT to_regclass('later_table')::text`)).toEqual([null]);
  });

  it('still recognises an applied migration whose line endings were converted (as Prisma does)', async () => {
    const [init] = (await migrate(db, { migrationsDir: dir })).applied;
    const file = join(dir, init, 'migration.sql');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/\n/g, '\r\n'));
    expect((await migrate(db, { migrationsDir: dir })).applied).toEqual([]);
  });

  it('applies a later migration alone, after the recorded ones', async () => {
    await migrate(db, { migrationsDir: dir });
    await addMigration(
      '29990101000000_later',
      'CREATE TABLE later_table (id int);\nCREATE INDEX later_idx ON later_table (id);',
    );
    expect((await migrate(db, { migrationsDir: dir })).applied).toEqual(['29990101000000_later']);
    expect(await scalarQuery(db, `SELECT to_regclass('later_table')::text`)).toEqual(['later_table']);
  });

  it('rolls a failing migration back completely: no half-applied DDL, no _prisma_migrations row', async () => {
    await migrate(db, { migrationsDir: dir });
    await addMigration('29990101000000_broken', 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;');
    const failed = migrate(db, { migrationsDir: dir });
    await expect(failed).rejects.toBeInstanceOf(MigrationError);
    await expect(failed).rejects.toMatchObject({ code: 'MIGRATION_FAILED', migrationName: '29990101000000_broken' });
    expect(await scalarQuery(db, `SELECT to_regclass('half_done')::text`)).toEqual([null]);
    expect(
      await scalarQuery(
        db,
        `SELECT count(*)::int FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`,
      ),
    ).toEqual([0]);
  });

  it('refuses to run while Prisma has recorded an unfinished migration (P3009)', async () => {
    await migrate(db, { migrationsDir: dir });
    await db.transaction((tx) =>
      tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, applied_steps_count) VALUES ($1, $2, 'x_failed', 0)`,
        ['00000000-0000-4000-8000-000000000000', sha256('x')],
      ),
    );
    await expect(migrate(db, { migrationsDir: dir })).rejects.toBeInstanceOf(FailedMigrationError);
  });

  // PGlite is one process's embedded database: a second instance on the same directory is not allowed,
  // so concurrent runners exist only on Postgres.
  if (kind === 'postgres')
    it('lets concurrent runners apply each migration exactly once', async () => {
      const other = await database.open();
      try {
        const results = await Promise.all([
          migrate(db, { migrationsDir: dir }),
          migrate(other, { migrationsDir: dir }),
        ]);
        expect(results.flatMap((r) => r.applied).sort()).toEqual((await readMigrations(dir)).map((f) => f.name));
      } finally {
        await other.close();
      }
    });
});
