// Peer: fastify 5 + mercurius 16 with `jit: 1` (a document is compiled by graphql-jit from its
// second request on), serving PEER_SDL with do-nothing resolvers (sdl.ts); everything else at its
// defaults. Prints `Peer mercurius-jit listening on http://…` when ready.
import Fastify from 'fastify';
import mercurius from 'mercurius';
import { announce, exitOnSignal, PEER_SDL, peerResolvers } from './sdl.js';

const app = Fastify();
await app.register(mercurius, { schema: PEER_SDL, resolvers: peerResolvers, jit: 1 });
await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });
const address = app.server.address();
announce('mercurius-jit', typeof address === 'object' && address ? address.port : 0);
exitOnSignal();
