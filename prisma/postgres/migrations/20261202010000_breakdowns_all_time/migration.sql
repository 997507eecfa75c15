-- All-time breakdowns (issue #11): generated offline by `npx prisma migrate diff` (as the migration
-- before), then the backfill added by hand (the same as the SQLite migration's).

-- CreateTable
CREATE TABLE "rollup_dims_total" (
    "site_id" TEXT NOT NULL,
    "dim" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "events" INTEGER NOT NULL,
    "views" INTEGER NOT NULL,

    CONSTRAINT "rollup_dims_total_pkey" PRIMARY KEY ("site_id","dim","value")
);


-- Backfill from the rollups already stored (all time: pruned days included).
INSERT INTO "rollup_dims_total" ("site_id", "dim", "value", "events", "views")
  SELECT "site_id", "dim", "value", sum("events"), sum("views") FROM "rollup_dims_daily" GROUP BY 1, 2, 3
  UNION ALL
  SELECT "site_id", 'PATH', "path", sum("events"), sum(CASE WHEN "event_type" = 'page_view' THEN "events" ELSE 0 END)
  FROM "rollup_daily" GROUP BY 1, 3
  UNION ALL
  SELECT "site_id", 'EVENT_TYPE', "event_type", sum("events"), sum(CASE WHEN "event_type" = 'page_view' THEN "events" ELSE 0 END)
  FROM "rollup_daily" GROUP BY 1, 3;
