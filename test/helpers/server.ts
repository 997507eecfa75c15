// Starts the real server (`node dist/server.js`, built by the global setup) as a child process on a free port.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { SERVER_ARGS } from './build.js';
import { freshDatabase } from './db.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningServer {
  proc: ChildProcess;
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  graphqlUrl: string;
  wsUrl: string;
  output: () => string;
  /** sends the signal and resolves with the exit code */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const proc = spawn(process.execPath, SERVER_ARGS, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const graphqlUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${out}`)), 30_000);
    const onData = () => {
      const m = /Pulse listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  const baseUrl = graphqlUrl.replace(/\/graphql$/, '');
  return {
    proc,
    baseUrl,
    graphqlUrl,
    wsUrl: graphqlUrl.replace(/^http/, 'ws'),
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/**
 * One real server on a fresh database for the whole test file: started before its first test,
 * stopped after its last. Read `server` and `dbPath` inside tests (they are set by then).
 */
export function serverForFile(env: Record<string, string> = {}): { server: RunningServer; dbPath: string } {
  const file = {} as { server: RunningServer; dbPath: string };
  beforeAll(async () => {
    const db = freshDatabase();
    file.dbPath = db.path;
    file.server = await startServer({ DATABASE_URL: db.url, ...env });
  });
  afterAll(async () => {
    await file.server?.stop();
  });
  return file;
}
