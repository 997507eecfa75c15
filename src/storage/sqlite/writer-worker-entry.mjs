// Worker entry: registers tsx's loader in this thread (a worker does not inherit the loader of
// the thread that started it), then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./writer-worker.ts');
