// Peer: stock graphql-yoga 5 with its defaults on node:http's createServer, serving PEER_SDL with
// do-nothing resolvers (sdl.ts). Prints `Peer yoga listening on http://…` when ready.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { announce, exitOnSignal, PEER_SDL, peerResolvers } from './sdl.js';

const yoga = createYoga({ schema: createSchema({ typeDefs: PEER_SDL, resolvers: peerResolvers }) });
const server = createServer(yoga);
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  announce('yoga', (server.address() as AddressInfo).port);
});
exitOnSignal();
