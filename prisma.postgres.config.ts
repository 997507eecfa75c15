// Prisma CLI configuration for the PostgreSQL schema (prisma/postgres): `npm run generate` builds
// its client with `prisma generate --config prisma.postgres.config.ts`. Pulse applies the
// migrations itself on start (src/storage/postgres/migrate.ts); with network access, `prisma
// migrate status --config prisma.postgres.config.ts` reads the same _prisma_migrations table.
import { PrismaPg } from '@prisma/adapter-pg';
import './src/env.js';
import { defineConfig } from 'prisma/config';

// The schema's datasource must name a PostgreSQL URL even for `generate`, which connects to nothing.
if (!/^postgres(ql)?:/.test(process.env.DATABASE_URL ?? '')) {
  process.env.DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
}
const databaseUrl = process.env.DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  schema: 'prisma/postgres/schema.prisma',
  migrations: { path: 'prisma/postgres/migrations' },
  engine: 'js',
  async adapter() {
    return new PrismaPg({ connectionString: databaseUrl });
  },
});
