-- Unique-user sketches (issue #11): HyperLogLog per (site, dimension, UTC hour | day, value) as
-- base64 text (src/storage/sketch.ts). Written as `prisma migrate diff` writes it, WITHOUT ROWID
-- added by hand. No backfill: the sketches hash user ids in JS; `npm run rollups:rebuild` fills
-- them from the raw events still stored (docs/architecture.md, "Rollups").

-- CreateTable
CREATE TABLE "rollup_users_hourly" (
    "site_id" TEXT NOT NULL,
    "dim" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "value" TEXT NOT NULL,
    "users" TEXT NOT NULL,

    PRIMARY KEY ("site_id", "dim", "hour", "value")
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "rollup_users_daily" (
    "site_id" TEXT NOT NULL,
    "dim" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "value" TEXT NOT NULL,
    "users" TEXT NOT NULL,

    PRIMARY KEY ("site_id", "dim", "day", "value")
) WITHOUT ROWID;
