// The documentation can be trusted to lead somewhere: every relative link in the repository's
// Markdown (README.md, docs/, test/bench/README.md) resolves, file and #anchor; every environment
// variable src/config.ts reads is documented in docs/configuration.md and .env.example agrees with
// it; and the README stays a short front door.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  anchors,
  brokenLinks,
  documentationFiles,
  documentedVariables,
  environmentVariables,
  ROOT,
  relativeLinks,
} from '../helpers/markdown.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('links in README.md, docs/ and the other Markdown files', () => {
  const files = documentationFiles();

  it('finds the README and the docs pages', () => {
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'docs/configuration.md', 'docs/api.md', 'test/bench/README.md']),
    );
  });

  it.each(files)('%s: every relative link resolves to a file and, with #anchor, to a heading', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('the checker itself: anchors are GitHub slugs, and missing files and headings are reported', () => {
    const page = [
      '# Pulse',
      '## Ingestion: `npm run bench`',
      '## Backpressure, faults and crashes',
      '## Node.js flags',
      '## Notes',
      '## Notes',
      '```sh',
      '# not a heading',
      '[not a link](nowhere.md)',
      '```',
      'See [a](#ingestion-npm-run-bench), [b](#backpressure-faults-and-crashes), [c](#nodejs-flags),',
      '[d](#notes-1), [e](api.md#errors), [f](https://example.com/x.md), `[g](inline-code.md)`,',
      '[h](#not-a-heading), [i](missing.md), [j](api.md#no-such-section), [k](../../outside.md).',
    ].join('\n');
    expect([...anchors(page)]).toEqual([
      'pulse',
      'ingestion-npm-run-bench',
      'backpressure-faults-and-crashes',
      'nodejs-flags',
      'notes',
      'notes-1',
    ]);
    expect(relativeLinks(page)).not.toContain('nowhere.md');
    expect(relativeLinks(page)).not.toContain('inline-code.md');
    expect(brokenLinks('docs/example.md', page)).toEqual([
      '#not-a-heading (no heading with that anchor)',
      'missing.md (no such file)',
      'api.md#no-such-section (no heading with that anchor)',
      '../../outside.md (outside the repository)',
    ]);
  });
});

describe('docs/configuration.md', () => {
  const configSource = read('src/config.ts');
  const variables = environmentVariables(configSource);
  const documented = documentedVariables(read('docs/configuration.md'));

  it('reads the variables from src/config.ts', () => {
    expect([...variables]).toEqual(expect.arrayContaining(['PORT', 'HOST', 'DATABASE_URL', 'LOG_LEVEL']));
    expect([...variables].filter((v) => v.startsWith('PULSE_')).length).toBeGreaterThan(20);
  });

  it('documents every environment variable src/config.ts reads, in a table row of its own', () => {
    const missing = [...variables].filter((v) => !documented.has(v));
    expect(missing, 'add a row "| `NAME` | default | meaning |" to docs/configuration.md').toEqual([]);
  });

  it('gives each documented variable a default and a meaning', () => {
    for (const [name, [defaultValue, meaning]] of documented) {
      expect(defaultValue, name).toMatch(/\S/);
      expect(meaning, name).toMatch(/\S/);
    }
  });

  it('.env.example names every variable, documented, with the documented default', () => {
    const example = read('.env.example');
    const entries = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => ({
      name: m[1] as string,
      value: (m[2] as string).trim(),
    }));
    expect(entries.filter((e) => !documented.has(e.name)).map((e) => e.name)).toEqual([]);
    const listed = new Set(entries.map((e) => e.name));
    expect([...variables].filter((v) => !listed.has(v))).toEqual([]);
    for (const { name, value } of entries) {
      if (value !== '' && !example.includes(`# ${name}=${value}`)) {
        expect(documented.get(name)?.[0], `${name} in .env.example`).toContain(`\`${value}\``);
      }
    }
  });
});

it('README.md stays a short front door (at most 12 KB) with the commands a newcomer needs', () => {
  expect(statSync(join(ROOT, 'README.md')).size).toBeLessThanOrEqual(12 * 1024);
  const readme = read('README.md');
  for (const command of ['npm install', 'npm start', 'npm test', '![Pulse dashboard](docs/images/dashboard.png)']) {
    expect(readme).toContain(command);
  }
});
