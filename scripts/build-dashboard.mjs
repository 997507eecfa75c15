// Bundles the dashboard (src/dashboard/: TypeScript, uPlot and its CSS, the graphql-ws client)
// with esbuild into dist/dashboard/ (index.html, app.js, app.css), which the server reads at start
// (src/http/dashboard.ts). Run by `npm run build` after tsc, and by the tests' global setup.
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src', 'dashboard');
const out = join(root, 'dist', 'dashboard');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: join(src, 'main.ts') },
  outdir: out,
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome109', 'firefox115', 'safari16'],
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(src, 'index.html'), join(out, 'index.html'));
if (!process.argv.includes('--quiet')) {
  const sizes = ['index.html', 'app.js', 'app.css'].map((f) => `${f} ${statSync(join(out, f)).size} B`);
  console.log(`dashboard → dist/dashboard: ${sizes.join(', ')}`);
}
