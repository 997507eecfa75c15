-- Unique-user sketches (issue #11): the same tables as the SQLite migration of this name. No
-- backfill: `npm run rollups:rebuild` fills them from the raw events still stored.

-- CreateTable
CREATE TABLE "rollup_users_hourly" (
    "site_id" TEXT NOT NULL,
    "dim" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "value" TEXT NOT NULL,
    "users" TEXT NOT NULL,

    CONSTRAINT "rollup_users_hourly_pkey" PRIMARY KEY ("site_id","dim","hour","value")
);

-- CreateTable
CREATE TABLE "rollup_users_daily" (
    "site_id" TEXT NOT NULL,
    "dim" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "value" TEXT NOT NULL,
    "users" TEXT NOT NULL,

    CONSTRAINT "rollup_users_daily_pkey" PRIMARY KEY ("site_id","dim","day","value")
);
