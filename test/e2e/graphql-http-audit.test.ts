// The graphql-http package's server audits (GraphQL over HTTP spec conformance) against the real
// server's /graphql. Every MUST audit passes; SHOULD and MAY results are printed for the record.
import { type AuditResult, serverAudits } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { serverForFile } from '../helpers/server.js';

const file = serverForFile();

describe('graphql-http server audits', () => {
  it('passes every MUST audit of the GraphQL over HTTP spec', async () => {
    // The auditor is not a browser: like any such client it sends a CSRF header, so its GET
    // requests are not refused by CSRF prevention (which the limits tests cover).
    const fetchWithCsrfHeader = (input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set('x-graphql-csrf', '1');
      return fetch(input, { ...init, headers });
    };
    const audits = serverAudits({ url: () => file.server.graphqlUrl, fetchFn: fetchWithCsrfHeader });
    expect(audits.length).toBeGreaterThan(0);

    const results: AuditResult[] = [];
    for (const audit of audits) results.push(await audit.fn());

    const describeFailure = async (r: AuditResult) =>
      r.status === 'ok'
        ? r.name
        : `${r.name}\n    ${r.reason}\n    -> ${r.response.status} ${await r.response
            .clone()
            .text()
            .catch(() => '(no body)')}`;

    const tally = (level: string) => {
      const of = results.filter((r) => r.name.startsWith(`${level} `));
      return {
        total: of.length,
        passed: of.filter((r) => r.status === 'ok').length,
        failed: of.filter((r) => r.status !== 'ok'),
      };
    };
    const must = tally('MUST');
    const should = tally('SHOULD');
    const may = tally('MAY');

    const lines = [
      `graphql-http audits: MUST ${must.passed}/${must.total} passed, SHOULD ${should.passed}/${should.total} passed (${should.failed.length} failed), MAY ${may.passed}/${may.total} passed`,
      ...(await Promise.all(
        [...should.failed, ...may.failed].map(async (r) => `  not ok: ${await describeFailure(r)}`),
      )),
    ];
    console.log(lines.join('\n'));

    const mustFailures = await Promise.all(must.failed.map(describeFailure));
    expect(mustFailures).toEqual([]);
    expect(must.total).toBeGreaterThan(0);
  });
});
