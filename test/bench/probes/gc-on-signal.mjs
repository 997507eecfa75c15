// Preloaded into the server by `npm run bench:live` (`node --expose-gc --import …`): SIGUSR2 runs
// a full garbage collection, so RSS read from /proc afterwards measures live memory, not garbage.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
});
