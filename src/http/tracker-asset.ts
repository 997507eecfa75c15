// The pulse.js asset: src/tracker/pulse.ts bundled and minified by esbuild. `npm run build` writes it
// to dist/web/pulse.js (scripts/build-tracker.mjs, with the options below); the compiled server reads
// that file, and a server run from TypeScript (tsx, tests) builds it in memory from the source.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Where `npm run build` puts the tracker (dist/web/pulse.js beside dist/http/). */
export const BUILT_TRACKER = fileURLToPath(new URL('../web/pulse.js', import.meta.url));
/** The tracker's source; src/ and dist/ both sit one level below the project root. */
const TRACKER_SOURCE = fileURLToPath(new URL('../../src/tracker/pulse.ts', import.meta.url));
/** The gzipped size docs/tracker.md promises ("Size": at most 1,024 bytes). */
export const TRACKER_GZIP_BUDGET = 1024;

/** Bundles and minifies the tracker source; esbuild is loaded only when this runs. */
export async function buildTracker(): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [TRACKER_SOURCE],
    bundle: true,
    minify: true,
    format: 'iife',
    // Browsers from 2017 on (Safari 11, Chrome 61, Firefox 55): no transpiling helpers needed.
    target: 'es2017',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output for the tracker');
  return output.text;
}

export interface TrackerAsset {
  body: Buffer;
  /** the body gzipped once (level 9), for clients that accept gzip */
  gzip: Buffer;
  /** strong validator of the identity body: a hash of its bytes */
  etag: string;
  /** strong validator of the gzipped representation */
  gzipEtag: string;
}

export function trackerAsset(code: string): TrackerAsset {
  const body = Buffer.from(code, 'utf8');
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  return { body, gzip: gzipSync(body, { level: 9 }), etag: `"${hash}"`, gzipEtag: `"${hash}-gz"` };
}

/**
 * The compiled server serves the built file (and builds from source only when it is missing); a
 * server run from TypeScript always builds from source, so edits show without `npm run build`.
 */
export async function loadTracker(fromSource = import.meta.url.endsWith('.ts')): Promise<TrackerAsset> {
  if (!fromSource) {
    try {
      return trackerAsset(await readFile(BUILT_TRACKER, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return trackerAsset(await buildTracker());
}
