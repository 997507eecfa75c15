// The server: config → migrate → app → listen (HTTP and graphql-ws on one port) → signals.
import './env.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, GRAPHQL_PATH } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { migrateStorage } from './storage/open.js';
import { StorageUnavailableError } from './storage/port.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  await migrateStorage(config.DATABASE_URL);
  const app = await buildApp(config, logger);
  const server = createServer({ keepAliveTimeout: 65_000 }, app.handler);
  app.attachWebSocket(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  process.stdout.write(`Pulse listening on http://${host}:${port}${GRAPHQL_PATH}\n`);

  let signals = 0;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      logger.error({ signal, buffered: app.buffer.size }, 'second signal: exiting without draining');
      process.exit(1);
    }
    logger.info({ signal, buffered: app.buffer.size }, 'stopping: draining accepted events');
    server.close();
    server.closeIdleConnections();
    await app.stop();
    logger.info({ flushed: app.flusher.status.flushedEvents }, 'stopped; every accepted event is stored');
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void shutdown(s));
  process.on('SIGINT', (s) => void shutdown(s));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof StorageUnavailableError) {
    // a message for a person (never the URL: it may hold a password), not a stack trace
    process.stderr.write(`Pulse failed to start: ${error.message}\n`);
  } else {
    process.stderr.write(`Pulse failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
