/**
 * Reading the monitor's records: pages of stays (newest admission first), one stay with its observations,
 * assessments (each hour's latest revision, and the revisions before it) and alerts with their chained moves, and the
 * ward's active stays as the board shows them (ward-snapshot.ts).
 */
import { CodedError } from '@/errors/coded-error';
import { InvalidInputError } from '@/errors/invalid-input';
import { withDatabaseErrors } from '@/db/database';
import type { Prisma, PrismaClient } from '@/db/generated/client';
import { readWard, type WardQuery, type WardSnapshot } from './ward-snapshot';

export const MAX_STAY_PAGE = 100;

export interface StayFilter {
  unit?: string | null;
  /** true: not discharged; false: discharged; absent: both. */
  active?: boolean | null;
  patientRef?: string | null;
}

/** `after` is not a cursor this list gave. */
export class InvalidStayCursorError extends CodedError {
  readonly code = 'BAD_USER_INPUT';
  constructor() {
    super('after: not a valid cursor; pass the endCursor of a previous page, or nothing for the first page');
  }
}

function encodeCursor(stay: { admittedAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([stay.admittedAt.toISOString(), stay.id])).toString('base64url');
}

function decodeCursor(cursor: string): { admittedAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const admittedAt = new Date(at);
    if (!Number.isFinite(admittedAt.getTime()) || typeof id !== 'string') throw new Error('bad');
    return { admittedAt, id };
  } catch {
    throw new InvalidStayCursorError();
  }
}

const STAY_DETAIL = {
  observations: { orderBy: { seq: 'asc' } },
  assessments: { orderBy: [{ hour: 'asc' }, { revision: 'asc' }] },
  alerts: { orderBy: { raisedAt: 'asc' }, include: { events: { orderBy: { sequence: 'asc' } } } },
} satisfies Prisma.StayInclude;

export type StayDetail = Prisma.StayGetPayload<{ include: typeof STAY_DETAIL }>;
export type StaySummary = Prisma.StayGetPayload<object>;

export function stayViews(prisma: PrismaClient) {
  return {
    async list(filter: StayFilter, first: number, after?: string | null) {
      if (!Number.isInteger(first) || first < 1 || first > MAX_STAY_PAGE)
        throw new InvalidInputError([
          { name: 'first', message: `must be a whole number from 1 to ${MAX_STAY_PAGE}; got ${first}` },
        ]);
      const where: Prisma.StayWhereInput = {
        ...(filter.unit ? { unit: filter.unit } : {}),
        ...(filter.patientRef ? { patientRef: filter.patientRef } : {}),
        ...(filter.active === true
          ? { dischargedAt: null }
          : filter.active === false
            ? { dischargedAt: { not: null } }
            : {}),
      };
      const cursor = after ? decodeCursor(after) : null;
      const page: Prisma.StayWhereInput = cursor
        ? {
            AND: [
              where,
              {
                OR: [
                  { admittedAt: { lt: cursor.admittedAt } },
                  { admittedAt: cursor.admittedAt, id: { lt: cursor.id } },
                ],
              },
            ],
          }
        : where;
      const [rows, totalCount] = await withDatabaseErrors(() =>
        Promise.all([
          prisma.stay.findMany({ where: page, orderBy: [{ admittedAt: 'desc' }, { id: 'desc' }], take: first + 1 }),
          prisma.stay.count({ where }),
        ]),
      );
      const stays = rows.slice(0, first);
      const last = stays.at(-1);
      return { stays, hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last) : null, totalCount };
    },

    async get(stayRef: string): Promise<StayDetail | null> {
      return withDatabaseErrors(() => prisma.stay.findUnique({ where: { stayRef }, include: STAY_DETAIL }));
    },

    /** The active stays of a unit (or every unit) as the ward board reads them. */
    async ward(query: WardQuery): Promise<WardSnapshot> {
      return readWard(prisma, query);
    },
  };
}

export type StayViews = ReturnType<typeof stayViews>;
