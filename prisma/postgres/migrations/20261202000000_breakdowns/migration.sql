-- Breakdowns, filters and time zones (issue #11): generated offline by `npx prisma migrate diff
-- --from-schema-datamodel <the previous schema> --to-schema-datamodel prisma/postgres/schema.prisma
-- --script`, then the backfill added by hand (the same as the SQLite migration's).
-- AlterTable
ALTER TABLE "events" ADD COLUMN     "browser" TEXT,
ADD COLUMN     "country" TEXT,
ADD COLUMN     "device" TEXT,
ADD COLUMN     "os" TEXT,
ADD COLUMN     "source" TEXT,
ADD COLUMN     "utm_campaign" TEXT,
ADD COLUMN     "utm_medium" TEXT,
ADD COLUMN     "utm_source" TEXT;

-- CreateTable
CREATE TABLE "rollup_hours" (
    "site_id" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "events" INTEGER NOT NULL,
    "views" INTEGER NOT NULL,

    CONSTRAINT "rollup_hours_pkey" PRIMARY KEY ("site_id","hour")
);

-- CreateTable
CREATE TABLE "rollup_dims_hourly" (
    "site_id" TEXT NOT NULL,
    "dim" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "value" TEXT NOT NULL,
    "events" INTEGER NOT NULL,
    "views" INTEGER NOT NULL,

    CONSTRAINT "rollup_dims_hourly_pkey" PRIMARY KEY ("site_id","dim","hour","value")
);

-- CreateTable
CREATE TABLE "rollup_dims_daily" (
    "site_id" TEXT NOT NULL,
    "dim" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "value" TEXT NOT NULL,
    "events" INTEGER NOT NULL,
    "views" INTEGER NOT NULL,

    CONSTRAINT "rollup_dims_daily_pkey" PRIMARY KEY ("site_id","dim","day","value")
);


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
