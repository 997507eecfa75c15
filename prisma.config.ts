// Prisma CLI configuration: the JS schema engine over better-sqlite3, so generate, migrate deploy
// and db push run offline. DATABASE_URL gets its default here so `prisma generate` always has one.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import './src/env.js';
import { defineConfig } from 'prisma/config';
import { DEFAULT_DATABASE_URL, ensureDatabaseDir, sqlitePathFromUrl } from './src/db-url.js';

process.env.DATABASE_URL ||= DEFAULT_DATABASE_URL;
const databaseUrl = process.env.DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  engine: 'js',
  async adapter() {
    const path = sqlitePathFromUrl(databaseUrl);
    ensureDatabaseDir(path);
    return new PrismaBetterSQLite3({ url: path });
  },
});
