// npm run rollups:rebuild — recomputes every rollup from the raw events, in one transaction, on
// either backend. Days before the oldest raw event (pruned by retention) keep their rollups. Safe
// while servers run: concurrent flushes wait for the rebuild and are counted after it.
import '../env.js';
import { loadConfig } from '../config.js';
import { dayString } from '../core/time.js';
import { migrateStorage, openStorage } from '../storage/open.js';

const config = loadConfig();
await migrateStorage(config.DATABASE_URL);
const storage = await openStorage(config.DATABASE_URL);
const started = performance.now();
const result = await storage.rebuildRollups();
if (!result) {
  console.log('No raw events: rollups left as they are.');
} else {
  console.log(`Rebuilt rollups from ${dayString(result.fromDay)} in ${Math.round(performance.now() - started)} ms:`);
  for (const [table, n] of Object.entries(result.rows)) console.log(`  ${table.padEnd(13)} ${n} rows`);
}
await storage.close();
