// The compiled server, as `npm start` runs it: the e2e tests, the benchmark and the soak start
// `node dist/server.js`, built here first (tsc, incremental: a few seconds when little changed;
// then the tracker's dist/web/pulse.js and the dashboard's bundle, as `npm run build` does).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** node arguments that start the built server */
export const SERVER_ARGS = ['dist/server.js'];

export function buildServer(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-tracker.mjs'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-dashboard.mjs', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
}
