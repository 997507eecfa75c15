// Builds the pulse.js tracker into dist/web/pulse.js, after tsc (`npm run build`): it runs the
// server's own build (dist/http/tracker-asset.js), so the file and an in-memory build are the same
// bytes. Fails when the gzipped script is over its budget (docs/tracker.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const { BUILT_TRACKER, TRACKER_GZIP_BUDGET, buildTracker, trackerAsset } = await import(
  '../dist/http/tracker-asset.js'
).catch((error) => {
  console.error('scripts/build-tracker.mjs runs after tsc: run `npm run build`');
  throw error;
});

const code = await buildTracker();
const { body, gzip } = trackerAsset(code);
mkdirSync(dirname(BUILT_TRACKER), { recursive: true });
writeFileSync(BUILT_TRACKER, body);
console.log(`pulse.js: ${body.length} bytes, ${gzip.length} bytes gzipped (level 9)`);
if (gzip.length > TRACKER_GZIP_BUDGET) {
  console.error(`pulse.js is over its budget of ${TRACKER_GZIP_BUDGET} bytes gzipped`);
  process.exit(1);
}
