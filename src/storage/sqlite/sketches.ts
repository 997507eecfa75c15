// The unique-user sketches on SQLite (storage/sketches.ts), on the flush's transaction: the keys
// and rows as one JSON parameter each (jsonb_each: parsed once, storage/sqlite/write.ts), looked up
// and upserted by primary key.
import type { Transaction } from '@prisma/driver-adapter-utils';
import type { EventRecord } from '../../core/event.js';
import { rowsOf, sqlQuery } from '../driver.js';
import {
  SKETCH_TABLE,
  type SketchCache,
  type SketchStore,
  type SketchUnit,
  type StoredSketch,
  writeSketches,
} from '../sketches.js';
import { sqliteError } from './db.js';

const at = (i: number) => `(k.value ->> ${i})`;

export const readSql = (unit: SketchUnit) =>
  `SELECT r.site_id AS site_id, r.dim AS dim, r.${unit} AS t, r.value AS value, r.users AS users
     FROM jsonb_each(?) k CROSS JOIN ${SKETCH_TABLE[unit]} r
    WHERE r.site_id = ${at(0)} AND r.dim = ${at(1)} AND r.${unit} = ${at(2)} AND r.value = ${at(3)}`;

export const writeSql = (unit: SketchUnit) =>
  `INSERT INTO ${SKETCH_TABLE[unit]} (site_id, dim, ${unit}, value, users)
     SELECT ${at(0)}, ${at(1)}, ${at(2)}, ${at(3)}, ${at(4)} FROM jsonb_each(?) k WHERE true
   ON CONFLICT DO UPDATE SET users = excluded.users`;

export function sqliteSketchStore(tx: Pick<Transaction, 'queryRaw' | 'executeRaw'>): SketchStore {
  return {
    read: (unit, keys) => rowsOf<StoredSketch>(tx, sqliteError, readSql(unit), JSON.stringify(keys)),
    async write(unit, rows) {
      await tx.executeRaw(sqlQuery(writeSql(unit), JSON.stringify(rows)));
    },
  };
}

/** The batch's users into the sketch rollups, inside the flush transaction `tx`. */
export const writeSqliteSketches = (
  tx: Pick<Transaction, 'queryRaw' | 'executeRaw'>,
  events: readonly EventRecord[],
  cache?: SketchCache,
) => writeSketches(sqliteSketchStore(tx), events, cache);
