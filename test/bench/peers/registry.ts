// The peer GraphQL servers the bench runs beside Pulse (issue #12): each in its own process on a
// free 127.0.0.1 port, serving Pulse's EventInput with do-nothing resolvers (sdl.ts).
import type { LoadCase } from '../http-load.js';

export interface Peer {
  /** the name printed and used by `--peers` */
  name: string;
  /** what it is, for the report */
  label: string;
  script: string;
}

export const PEERS: readonly Peer[] = [
  { name: 'yoga', label: 'graphql-yoga 5, defaults (node:http)', script: 'test/bench/peers/yoga.ts' },
  { name: 'apollo', label: '@apollo/server 5, startStandaloneServer', script: 'test/bench/peers/apollo.ts' },
  { name: 'mercurius-jit', label: 'fastify 5 + mercurius 16, jit: 1', script: 'test/bench/peers/mercurius.ts' },
];

/** `--peers a,b` / `--no-peers` → the peers to start (all of them by default). */
export function selectPeers(list: string | undefined, none: boolean): Peer[] {
  if (none) return [];
  if (list === undefined) return [...PEERS];
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !PEERS.some((p) => p.name === n));
  if (unknown.length) throw new Error(`--peers: unknown ${unknown.join(', ')} (known: ${PEERS.map((p) => p.name)})`);
  return PEERS.filter((p) => names.includes(p.name));
}

/**
 * Sends a GraphQL case's request once and checks the peer answers Pulse's success body (trailing
 * whitespace allowed), so a misconfigured peer fails the bench instead of being fast at errors.
 */
export async function verifyPeer(name: string, baseUrl: string, c: LoadCase): Promise<void> {
  const res = await fetch(baseUrl + c.path, { method: c.method, headers: c.headers, body: c.body });
  const body = await res.text();
  if (res.status !== 200 || body.trimEnd() !== c.pulseBody)
    throw new Error(`peer ${name} answered ${c.id} with ${res.status} ${body.slice(0, 300)}; expected ${c.pulseBody}`);
}
