// The compiled server, as `npm start` runs it: the e2e tests, the benchmark and the soak start
// `node dist/server.js`, built here first (tsc, incremental: a few seconds when little changed; then
// the dashboard's bundle, scripts/build-dashboard.mjs).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** node arguments that start the built server */
export const SERVER_ARGS = ['dist/server.js'];

export function buildServer(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-dashboard.mjs', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
}
