-- Breakdowns, filters and time zones (issue #11): written by `prisma migrate diff`, then edited by
-- hand: WITHOUT ROWID on the rollup tables, and the backfill at the end.
--  * events gets the attributes a breakdown or a filter names (nullable: none / unknown).
--  * rollup_hours: events and page views per (site, UTC hour), for zone days and hour-aligned ranges.
--  * rollup_dims_hourly / rollup_dims_daily: events and page views per (site, dimension, UTC hour |
--    day, value) of the attribute dimensions ('' = none); PATH and EVENT_TYPE use rollup_hourly/daily.

-- AlterTable
ALTER TABLE "events" ADD COLUMN "browser" TEXT;
ALTER TABLE "events" ADD COLUMN "country" TEXT;
ALTER TABLE "events" ADD COLUMN "device" TEXT;
ALTER TABLE "events" ADD COLUMN "os" TEXT;
ALTER TABLE "events" ADD COLUMN "source" TEXT;
ALTER TABLE "events" ADD COLUMN "utm_campaign" TEXT;
ALTER TABLE "events" ADD COLUMN "utm_medium" TEXT;
ALTER TABLE "events" ADD COLUMN "utm_source" TEXT;

-- CreateTable
CREATE TABLE "rollup_hours" (
    "site_id" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "events" INTEGER NOT NULL,
    "views" INTEGER NOT NULL,

    PRIMARY KEY ("site_id", "hour")
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "rollup_dims_hourly" (
    "site_id" TEXT NOT NULL,
    "dim" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "value" TEXT NOT NULL,
    "events" INTEGER NOT NULL,
    "views" INTEGER NOT NULL,

    PRIMARY KEY ("site_id", "dim", "hour", "value")
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "rollup_dims_daily" (
    "site_id" TEXT NOT NULL,
    "dim" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "value" TEXT NOT NULL,
    "events" INTEGER NOT NULL,
    "views" INTEGER NOT NULL,

    PRIMARY KEY ("site_id", "dim", "day", "value")
) WITHOUT ROWID;


-- Backfill from the rollups already stored: events stored before carry no attributes, so every
-- attribute dimension counts them under none ('').
INSERT INTO "rollup_hours" ("site_id", "hour", "events", "views")
  SELECT "site_id", "hour", sum("events"), sum(CASE WHEN "event_type" = 'page_view' THEN "events" ELSE 0 END)
  FROM "rollup_hourly" GROUP BY 1, 2;
INSERT INTO "rollup_dims_hourly" ("site_id", "dim", "hour", "value", "events", "views")
  SELECT h."site_id", d."dim", h."hour", '', h."events", h."views"
  FROM "rollup_hours" h
  CROSS JOIN (SELECT 'SOURCE' AS "dim" UNION ALL SELECT 'UTM_SOURCE' UNION ALL SELECT 'UTM_MEDIUM'
              UNION ALL SELECT 'UTM_CAMPAIGN' UNION ALL SELECT 'BROWSER' UNION ALL SELECT 'OS'
              UNION ALL SELECT 'DEVICE' UNION ALL SELECT 'COUNTRY') d;
INSERT INTO "rollup_dims_daily" ("site_id", "dim", "day", "value", "events", "views")
  SELECT r."site_id", d."dim", r."day", '', r."events", r."views"
  FROM "rollup_days" r
  CROSS JOIN (SELECT 'SOURCE' AS "dim" UNION ALL SELECT 'UTM_SOURCE' UNION ALL SELECT 'UTM_MEDIUM'
              UNION ALL SELECT 'UTM_CAMPAIGN' UNION ALL SELECT 'BROWSER' UNION ALL SELECT 'OS'
              UNION ALL SELECT 'DEVICE' UNION ALL SELECT 'COUNTRY') d;
