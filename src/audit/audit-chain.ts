/**
 * The tamper-evident chain over audit records: each record's hash is the SHA-256 of the previous
 * record's hash and the record's canonical content, so changing, removing or reordering any stored
 * record breaks every link after it. Pure: hashing only; reading and writing are in audit-log.ts.
 */
import { createHash } from 'node:crypto';
import type { AuditRecord } from './audit-record';

/** The "previous hash" of the first link. */
export const GENESIS_HASH = '0'.repeat(64);

/** A record as the chain covers it: every stored field, and its place in the chain. */
export interface ChainedRecord extends AuditRecord {
  sequence: number;
}

/**
 * JSON with object keys sorted at every level and no whitespace, so the same content always gives the
 * same text whatever order its keys were built in. Numbers are written as JavaScript writes them (the
 * shortest text that reads back as the same double), which survives Postgres's jsonb and double
 * precision columns unchanged. Non-finite numbers have no JSON form and are refused. The text is also
 * valid JSON of the same value, so the chain writer stores it as the jsonb columns' text as well.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no form for ${value}`);
      // For a finite number String() is JSON's text (shortest round trip, -0 as 0), and quicker to call.
      return String(value);
    case 'object':
      if (value === null) return 'null';
      // Loops and concatenation rather than map/join: the chain writer runs this over every record of a batch.
      if (Array.isArray(value)) {
        let text = '[';
        for (let i = 0; i < value.length; i++) text += (i > 0 ? ',' : '') + canonicalJson(value[i]);
        return `${text}]`;
      }
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      return canonicalObject(value as Record<string, unknown>);
    default:
      throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
  }
}

/** `"key":` for keys seen before: records repeat a few field names thousands of times a batch. */
const QUOTED_KEYS = new Map<string, string>();
/** Keys remembered at most: the names of fields and features, not whatever a caller's data might hold. */
const MAX_QUOTED_KEYS = 1024;

function quotedKey(key: string): string {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    if (QUOTED_KEYS.size < MAX_QUOTED_KEYS) QUOTED_KEYS.set(key, quoted);
  }
  return quoted;
}

function canonicalObject(object: Record<string, unknown>): string {
  // The default sort compares UTF-16 code units, as `<` does.
  const keys = Object.keys(object).sort();
  let text = '{';
  for (const key of keys) {
    const item = object[key];
    if (item === undefined) continue;
    text += (text.length > 1 ? ',' : '') + quotedKey(key) + canonicalJson(item);
  }
  return `${text}}`;
}

/**
 * The content a link covers: every field of the record, named as in the API. `course` only when the record has one:
 * records without it (all that predate it) hash exactly as before.
 */
function content(record: ChainedRecord): Record<string, unknown> {
  return {
    ...(record.course ? { course: record.course } : {}),
    id: record.id,
    sequence: record.sequence,
    createdAt: record.createdAt,
    modelId: record.modelId,
    modelVersion: record.modelVersion,
    onnxSha256: record.onnxSha256,
    inputs: record.inputs,
    vector: record.vector,
    probability: record.probability,
    positive: record.positive,
    riskBand: record.riskBand,
    baseValue: record.baseValue,
    contributions: record.contributions,
    patientRef: record.patientRef,
    requestId: record.requestId,
    latencyMs: record.latencyMs,
    requester: record.requester,
  };
}

/** The record's hash: SHA-256 (hex) of the previous hash, a newline, and the canonical content. */
export function linkHash(previousHash: string, record: ChainedRecord): string {
  return createHash('sha256')
    .update(`${previousHash}\n${canonicalJson(content(record))}`)
    .digest('hex');
}

/** The fields a link's place in the chain decides: known only once the writer holds the chain's lock. */
type PlaceField = 'sequence' | 'createdAt';

/** content()'s fields in canonical (sorted) order, each with its `"name":` text (tests pin the two together). */
const LINK_FIELDS = [
  'baseValue',
  'contributions',
  'course',
  'createdAt',
  'id',
  'inputs',
  'latencyMs',
  'modelId',
  'modelVersion',
  'onnxSha256',
  'patientRef',
  'positive',
  'probability',
  'requestId',
  'requester',
  'riskBand',
  'sequence',
  'vector',
] as const satisfies readonly (keyof ChainedRecord)[];
const FIELD_NAMES = LINK_FIELDS.map(quotedKey);

/**
 * A record serialised once, before its place in the chain is known: the canonical text of its json columns (the same
 * text the hash covers) and a hash function that needs only the place.
 */
export interface PreparedLink {
  /** Canonical JSON of the jsonb columns; `course` null for a record without one. */
  json: { inputs: string; vector: string; contributions: string; course: string | null };
  /** linkHash(previousHash, the record at `sequence`, created at `createdAt`), from the text prepared here. */
  hash(previousHash: string, sequence: number, createdAt: Date): string;
}

/**
 * Serialises a record for the chain without its place (sequence, createdAt): the canonical content is cut around those
 * two fields, so the writer hashes a link by joining five texts, and what it holds the chain's lock for is the SHA-256
 * alone. Gives exactly linkHash's hash (tests pin the two together).
 */
export function prepareLink(record: Omit<ChainedRecord, PlaceField>): PreparedLink {
  const json = {
    inputs: canonicalJson(record.inputs),
    vector: canonicalJson(record.vector),
    contributions: canonicalJson(record.contributions),
    course: record.course ? canonicalJson(record.course) : null,
  };
  // Canonical JSON of content(record), cut at the place fields' values; the json columns' text reused.
  const prepared: Partial<Record<keyof ChainedRecord, string>> = {
    inputs: json.inputs,
    vector: json.vector,
    contributions: json.contributions,
    course: json.course ?? undefined,
  };
  const segments: string[] = [];
  let text = '{';
  let first = true;
  LINK_FIELDS.forEach((field, i) => {
    const place = field === 'createdAt' || field === 'sequence';
    const value = place ? null : record[field];
    // content() holds a course only when there is one; canonicalJson leaves undefined values out.
    if (value === undefined || (field === 'course' && !value)) return;
    text += `${first ? '' : ','}${FIELD_NAMES[i]}`;
    first = false;
    if (place) {
      segments.push(text);
      text = '';
    } else text += prepared[field] ?? canonicalJson(value);
  });
  segments.push(`${text}}`);
  const [beforeCreatedAt, beforeSequence, rest] = segments;
  return {
    json,
    hash: (previousHash, sequence, createdAt) =>
      createHash('sha256')
        .update(
          `${previousHash}\n${beforeCreatedAt}${canonicalJson(createdAt)}${beforeSequence}${canonicalJson(sequence)}${rest}`,
        )
        .digest('hex'),
  };
}

/** The newest link: how many records the chain holds and the last one's hash (GENESIS_HASH when empty). */
export interface ChainHead {
  sequence: number;
  hash: string;
}

/**
 * How a link fails: `missing`, records absent from the sequence (deleted); `repeated`, a sequence held
 * twice; `relinked`, a previous hash that is not the hash of the record before it (a record inserted,
 * removed or moved); `altered`, content that does not match its own hash (a record changed).
 */
export type ChainBreakKind = 'missing' | 'repeated' | 'relinked' | 'altered';

export interface ChainBreak {
  kind: ChainBreakKind;
  /** The sequence the break is at (for `missing`, the first absent one). */
  sequence: number;
  /** The record at the break (for `missing`, the first record after the gap). */
  id: string;
  reason: string;
}

/** What walking the chain found: every break, not only the first, so one cannot hide another. */
export interface ChainReport {
  /** Records read. */
  checked: number;
  head: ChainHead;
  breaks: ChainBreak[];
  /** The stored hash at each sequence asked for in `remember` (to check kept checkpoints against). */
  hashesAt: Map<number, string>;
}

export interface StoredLink {
  record: ChainedRecord;
  previousHash: string;
  hash: string;
}

/**
 * Checks links in sequence order, recomputing every hash; `links` yields each stored record with its
 * stored previous hash and hash. After a break the walk goes on from the stored hash, so each break is
 * reported once and the ones after it are still found.
 */
export async function verifyLinks(
  links: AsyncIterable<StoredLink>,
  remember: ReadonlySet<number> = new Set(),
): Promise<ChainReport> {
  const breaks: ChainBreak[] = [];
  const hashesAt = new Map<number, string>();
  let expected = 1;
  let previous = GENESIS_HASH;
  let checked = 0;
  for await (const { record, previousHash, hash } of links) {
    const at = (kind: ChainBreakKind, reason: string, sequence = record.sequence) =>
      breaks.push({ kind, sequence, id: record.id, reason });
    checked++;
    if (record.sequence < expected) {
      at('repeated', `sequence ${record.sequence} is held by more than one record`);
      continue;
    }
    if (record.sequence > expected) {
      const last = record.sequence - 1;
      at(
        'missing',
        `${last > expected ? `sequences ${expected}–${last} are` : `sequence ${expected} is`} missing (records deleted)`,
        expected,
      );
    } else if (previousHash !== previous) {
      at(
        'relinked',
        'its previous hash is not the hash of the record before it (a record was inserted, removed or moved)',
      );
    }
    if (linkHash(previousHash, record) !== hash)
      at('altered', 'its content does not match its hash (the record was changed)');
    if (remember.has(record.sequence)) hashesAt.set(record.sequence, hash);
    previous = hash;
    expected = record.sequence + 1;
  }
  return { checked, head: { sequence: expected - 1, hash: previous }, breaks, hashesAt };
}
