// The unique-user sketches on PostgreSQL (storage/sketches.ts), on the flush's transaction after
// its advisory lock (storage/postgres/rollups.ts): the keys and rows as one array per column.
import type { ArgType, Transaction } from '@prisma/driver-adapter-utils';
import type { EventRecord } from '../../core/event.js';
import { SKETCH_TABLE, type SketchStore, type SketchUnit, type StoredSketch, writeSketches } from '../sketches.js';
import { pgError } from './db.js';

const list: ArgType = { scalarType: 'string', arity: 'list' };

const readSql = (unit: SketchUnit) =>
  `SELECT r.site_id, r.dim, r.${unit} AS t, r.value, r.users
     FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) AS k(site_id, dim, t, value)
     JOIN ${SKETCH_TABLE[unit]} r ON r.site_id = k.site_id AND r.dim = k.dim AND r.${unit} = k.t AND r.value = k.value`;

const writeSql = (unit: SketchUnit) =>
  `INSERT INTO ${SKETCH_TABLE[unit]} (site_id, dim, ${unit}, value, users)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[])
   ON CONFLICT (site_id, dim, ${unit}, value) DO UPDATE SET users = excluded.users`;

const columns = (rows: unknown[][], n: number) => Array.from({ length: n }, (_, i) => rows.map((r) => r[i]));

export function pgSketchStore(tx: Pick<Transaction, 'queryRaw' | 'executeRaw'>): SketchStore {
  return {
    async read(unit, keys) {
      const args = columns(keys, 4);
      try {
        const { columnNames, rows } = await tx.queryRaw({ sql: readSql(unit), args, argTypes: args.map(() => list) });
        return rows.map((row) => Object.fromEntries(columnNames.map((c, i) => [c, row[i]])) as unknown as StoredSketch);
      } catch (error) {
        throw pgError(error);
      }
    },
    async write(unit, rows) {
      const args = columns(rows, 5);
      await tx.executeRaw({ sql: writeSql(unit), args, argTypes: args.map(() => list) });
    },
  };
}

/** The batch's users into the sketch rollups, inside the flush transaction `tx`. */
export const writePgSketches = (tx: Pick<Transaction, 'queryRaw' | 'executeRaw'>, events: readonly EventRecord[]) =>
  writeSketches(pgSketchStore(tx), events);
