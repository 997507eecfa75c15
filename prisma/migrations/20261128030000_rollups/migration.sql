-- Rollups (written by `prisma migrate diff`, then edited by hand where Prisma has no syntax):
-- WITHOUT ROWID keeps each rollup table a single B-tree keyed by its primary key, and the
-- partial unique index makes a client's eventId idempotent per site without indexing the
-- events that have none. The last statements build the rollups of events stored before.

-- AlterTable
ALTER TABLE "events" ADD COLUMN "client_event_id" TEXT;

-- CreateTable
CREATE TABLE "rollup_hourly" (
    "site_id" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "event_type" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "events" INTEGER NOT NULL,

    PRIMARY KEY ("site_id", "hour", "event_type", "path")
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "rollup_daily" (
    "site_id" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "event_type" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "events" INTEGER NOT NULL,

    PRIMARY KEY ("site_id", "day", "event_type", "path")
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "rollup_hourly_users" (
    "site_id" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "user_id" TEXT NOT NULL,

    PRIMARY KEY ("site_id", "hour", "user_id")
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "rollup_daily_users" (
    "site_id" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "user_id" TEXT NOT NULL,

    PRIMARY KEY ("site_id", "day", "user_id")
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "rollup_site_users" (
    "site_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,

    PRIMARY KEY ("site_id", "user_id")
) WITHOUT ROWID;


-- CreateIndex (partial: only events that carry a client eventId)
CREATE UNIQUE INDEX "events_site_id_client_event_id_key" ON "events"("site_id", "client_event_id") WHERE "client_event_id" IS NOT NULL;

-- Backfill from the events already stored
INSERT INTO "rollup_hourly" ("site_id", "hour", "event_type", "path", "events")
  SELECT "site_id", "timestamp" / 3600000 - ("timestamp" < 0 AND "timestamp" % 3600000 != 0), "event_type", coalesce("path", ''), count(*)
  FROM "events" GROUP BY 1, 2, 3, 4;
INSERT INTO "rollup_daily" ("site_id", "day", "event_type", "path", "events")
  SELECT "site_id", "hour" / 24 - ("hour" < 0 AND "hour" % 24 != 0), "event_type", "path", sum("events")
  FROM "rollup_hourly" GROUP BY 1, 2, 3, 4;
INSERT INTO "rollup_hourly_users" ("site_id", "hour", "user_id")
  SELECT DISTINCT "site_id", "timestamp" / 3600000 - ("timestamp" < 0 AND "timestamp" % 3600000 != 0), "user_id"
  FROM "events" WHERE "user_id" IS NOT NULL;
INSERT INTO "rollup_daily_users" ("site_id", "day", "user_id")
  SELECT DISTINCT "site_id", "hour" / 24 - ("hour" < 0 AND "hour" % 24 != 0), "user_id" FROM "rollup_hourly_users";
INSERT INTO "rollup_site_users" ("site_id", "user_id")
  SELECT DISTINCT "site_id", "user_id" FROM "rollup_daily_users";
