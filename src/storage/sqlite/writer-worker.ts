// The writer thread: owns the database connection that flushes write through, so the SQLite work
// of a flush (events and rollups, tens of milliseconds a batch) never blocks the request thread.
// Messages are answered in order of arrival; see writer-thread.ts for the other side.
import { parentPort, workerData } from 'node:worker_threads';
import { eventsFromJson } from '../batch.js';
import { openDatabase } from './db.js';
import { createEventWriter } from './write.js';

export type WriterRequest =
  | { type: 'write'; id: number; rows: string }
  | { type: 'query'; id: number; sql: string }
  | { type: 'close'; id: number };
export type WriterReply =
  | { type: 'ready' }
  | { id: number; ok: true; result?: unknown }
  | { id: number; ok: false; error: string };

const port = parentPort;
if (!port) throw new Error('writer-worker.ts runs as a worker thread');
const { databaseUrl, busyTimeoutMs } = workerData as { databaseUrl: string; busyTimeoutMs?: number };
const db = await openDatabase(databaseUrl, busyTimeoutMs);
const write = createEventWriter(db);

let queue = Promise.resolve();
port.on('message', (message: WriterRequest) => {
  queue = queue.then(() => handle(message));
});

async function handle(message: WriterRequest): Promise<void> {
  try {
    if (message.type === 'write') {
      await write(eventsFromJson(message.rows), message.rows);
      reply({ id: message.id, ok: true });
    } else if (message.type === 'query') {
      // a statement on the writer's own connection may change what the writer keeps cached
      write.forget();
      reply({ id: message.id, ok: true, result: await db.$queryRawUnsafe(message.sql) });
    } else {
      await db.$disconnect();
      reply({ id: message.id, ok: true });
      port?.close();
    }
  } catch (error) {
    reply({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}

function reply(message: WriterReply): void {
  port?.postMessage(message);
}

reply({ type: 'ready' });
