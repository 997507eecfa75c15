-- Generated offline by `npx prisma migrate diff --from-empty --to-schema-datamodel prisma/postgres/schema.prisma --script`.

-- CreateTable
CREATE TABLE "events" (
    "id" BIGINT NOT NULL,
    "site_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "path" TEXT,
    "user_id" TEXT,
    "timestamp" BIGINT NOT NULL,
    "client_event_id" TEXT,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rollup_hourly" (
    "site_id" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "event_type" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "events" INTEGER NOT NULL,

    CONSTRAINT "rollup_hourly_pkey" PRIMARY KEY ("site_id","hour","event_type","path")
);

-- CreateTable
CREATE TABLE "rollup_daily" (
    "site_id" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "event_type" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "events" INTEGER NOT NULL,

    CONSTRAINT "rollup_daily_pkey" PRIMARY KEY ("site_id","day","event_type","path")
);

-- CreateTable
CREATE TABLE "rollup_hourly_users" (
    "site_id" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "user_id" TEXT NOT NULL,

    CONSTRAINT "rollup_hourly_users_pkey" PRIMARY KEY ("site_id","hour","user_id")
);

-- CreateTable
CREATE TABLE "rollup_daily_users" (
    "site_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "day" INTEGER NOT NULL,

    CONSTRAINT "rollup_daily_users_pkey" PRIMARY KEY ("site_id","user_id","day")
);

-- CreateTable
CREATE TABLE "rollup_daily_uniques" (
    "site_id" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "prev_day" INTEGER NOT NULL,
    "users" INTEGER NOT NULL,

    CONSTRAINT "rollup_daily_uniques_pkey" PRIMARY KEY ("site_id","day","prev_day")
);

-- CreateTable
CREATE TABLE "rollup_days" (
    "site_id" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "events" INTEGER NOT NULL,
    "views" INTEGER NOT NULL,

    CONSTRAINT "rollup_days_pkey" PRIMARY KEY ("site_id","day")
);

-- CreateTable
CREATE TABLE "rollup_paths" (
    "site_id" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "views" INTEGER NOT NULL,

    CONSTRAINT "rollup_paths_pkey" PRIMARY KEY ("site_id","path")
);

-- CreateTable
CREATE TABLE "visitor_salts" (
    "day" TEXT NOT NULL,
    "salt" TEXT NOT NULL,

    CONSTRAINT "visitor_salts_pkey" PRIMARY KEY ("day")
);

-- CreateTable
CREATE TABLE "pulse_instances" (
    "id" SERIAL NOT NULL,
    "started_at" BIGINT NOT NULL,

    CONSTRAINT "pulse_instances_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "events_site_id_timestamp_idx" ON "events"("site_id", "timestamp");

-- CreateIndex
CREATE UNIQUE INDEX "events_site_id_client_event_id_key" ON "events"("site_id", "client_event_id");

