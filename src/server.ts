// Entry point. graphql-js reads NODE_ENV once, when it is first imported, and runs extra
// development checks on every value unless it is "production" (about 7% of the CPU of an ingest
// request), so the default is set here, before main.ts and its imports load.
process.env.NODE_ENV ??= 'production';
await import('./main.js');
