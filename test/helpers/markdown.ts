// Reading the repository's Markdown the way GitHub renders it, for the docs test: headings and
// their anchors (GitHub's slugs), relative links, and the environment variables src/config.ts reads.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Folders whose Markdown is not the repository's own documentation (dependencies, build output). */
const NOT_DOCUMENTATION = new Set(['node_modules', 'dist', 'data', 'generated', 'scratch', '.git', '.tmp']);

/** Every Markdown file of the repository (README.md, docs/, test/bench/README.md …), from the root. */
export function documentationFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = dir === '' ? entry.name : join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!NOT_DOCUMENTATION.has(entry.name)) walk(path);
      } else if (entry.name.endsWith('.md')) {
        found.push(path);
      }
    }
  };
  walk('');
  return found.sort();
}

/** The lines of a Markdown text outside fenced code blocks. */
function proseLines(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === null || marker.startsWith(fence))) {
      fence = fence === null ? marker : null;
      continue;
    }
    if (fence === null) lines.push(line);
  }
  return lines;
}

/** GitHub's anchor for a heading: the rendered text, lower-cased, punctuation dropped, spaces → "-". */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/[`*]/g, '') // code spans and emphasis: their content
    .replace(/<[^>]+>/g, ''); // inline HTML
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a Markdown text defines: one per heading, repeats numbered -1, -2 as GitHub does. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of proseLines(markdown)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

/** Link targets in a Markdown text that point into the repository (no scheme, not mailto:). */
export function relativeLinks(markdown: string): string[] {
  const targets: string[] = [];
  for (const raw of proseLines(markdown)) {
    const line = raw.replace(/`[^`]*`/g, '``');
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1] as string);
    for (const m of line.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g)) targets.push(m[1] as string);
    for (const m of line.matchAll(/\s(?:href|src)="([^"]+)"/g)) targets.push(m[1] as string);
  }
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/**
 * The relative links of one documentation file (path from the repository root) that do not
 * resolve: a missing file, or an #anchor that is not a heading of the Markdown file it names.
 */
export function brokenLinks(file: string, markdown = readFileSync(join(ROOT, file), 'utf8')): string[] {
  const broken: string[] = [];
  for (const target of relativeLinks(markdown)) {
    const hash = target.indexOf('#');
    const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? null : decodeURIComponent(target.slice(hash + 1));
    if (pathPart === '') {
      if (anchor !== null && !anchors(markdown).has(anchor)) broken.push(`${target} (no heading with that anchor)`);
      continue;
    }
    const absolute = pathPart.startsWith('/') ? join(ROOT, pathPart) : resolve(ROOT, dirname(file), pathPart);
    if (relative(ROOT, absolute).startsWith('..')) {
      broken.push(`${target} (outside the repository)`);
    } else if (!existsSync(absolute)) {
      broken.push(`${target} (no such file)`);
    } else if (anchor !== null) {
      if (statSync(absolute).isDirectory() || !absolute.endsWith('.md')) {
        broken.push(`${target} (an anchor into a file that is not Markdown)`);
      } else if (!anchors(readFileSync(absolute, 'utf8')).has(anchor)) {
        broken.push(`${target} (no heading with that anchor)`);
      }
    }
  }
  return broken;
}

/**
 * The environment variables a configuration module reads: the upper-case keys of its objects
 * (the zod schema's keys are the variable names) and any `env.NAME` / `env['NAME']` read.
 */
export function environmentVariables(source: string): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(/^\s*['"]?([A-Z][A-Z0-9_]*)['"]?\s*:/gm)) names.add(m[1] as string);
  for (const m of source.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)) {
    names.add((m[1] ?? m[2]) as string);
  }
  return names;
}

/** Variables a configuration page documents: `NAME` in the first cell of a table row. */
export function documentedVariables(markdown: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of proseLines(markdown)) {
    const cells = /^\s*\|(.*)\|\s*$/
      .exec(line)?.[1]
      ?.split('|')
      .map((c) => c.trim());
    const name = cells && /^`([A-Z][A-Z0-9_]*)`$/.exec(cells[0] ?? '')?.[1];
    if (cells && name) rows.set(name, cells.slice(1));
  }
  return rows;
}
