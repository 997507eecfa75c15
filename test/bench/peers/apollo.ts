// Peer: @apollo/server 5 with its defaults through startStandaloneServer, serving PEER_SDL with
// do-nothing resolvers (sdl.ts). Prints `Peer apollo listening on http://…` when ready.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { announce, exitOnSignal, PEER_SDL, peerResolvers } from './sdl.js';

const server = new ApolloServer({ typeDefs: PEER_SDL, resolvers: peerResolvers });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' },
});
announce('apollo', Number(new URL(url).port));
exitOnSignal();
