// npm run seed:demo -- --events N --sites S --days D — loads synthetic traffic (skewed paths,
// returning visitors, daytime peaks; see demo/generate.ts) through the ingestion path: the same
// validation, Ingest and flusher as the server, into DATABASE_URL (beside running servers too: its
// event ids come from an instance number of its own, ingestion/event-ids.ts).
import '../env.js';
import { parseArgs } from 'node:util';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { redactUrl } from '../db-url.js';
import { demoEvents } from '../demo/generate.js';
import { validateEvents } from '../ingestion/request.js';
import { createLogger } from '../logger.js';
import { migrateStorage } from '../storage/open.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    sites: { type: 'string', default: '5' },
    days: { type: 'string', default: '30' },
    seed: { type: 'string', default: '42' },
  },
});
const total = Number(values.events);
const sites = Number(values.sites);
const days = Number(values.days);
for (const [name, n] of Object.entries({ events: total, sites, days })) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
}

const config = loadConfig();
await migrateStorage(config.DATABASE_URL);
const app = await buildApp(config, createLogger('warn'));
const started = performance.now();
let sent = 0;

function progress(final = false): void {
  const width = 30;
  const done = Math.round((sent / total) * width);
  const secs = (performance.now() - started) / 1000;
  const rate = Math.round(sent / Math.max(secs, 0.001));
  process.stderr.write(
    `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${sent}/${total} events  ${rate}/s  ${secs.toFixed(1)} s${final ? '\n' : ''}`,
  );
}

for (const chunk of demoEvents(total, { sites, days, seed: Number(values.seed) }, 1000)) {
  const valid = validateEvents(chunk);
  if (!valid.ok) throw new Error(`generated an invalid event: ${JSON.stringify(valid.problems[0])}`);
  // Back off while the buffer is too full to take the chunk, as a well-behaved client would.
  while (app.buffer.free < valid.value.length) await app.flusher.flush();
  app.services.ingest.submit(valid.value);
  sent += valid.value.length;
  if (sent % 20_000 < 1000) progress();
}
await app.stop();
progress(true);
console.log(`Loaded ${total} events for ${sites} site(s) over ${days} day(s) into ${redactUrl(config.DATABASE_URL)}`);
