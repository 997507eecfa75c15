-- Range-ready rollups (written by `prisma migrate diff`, then edited by hand: WITHOUT ROWID, and
-- the backfill at the end).
--  * rollup_daily_users is keyed (site, user, day), so the flush finds a user's previous active day.
--  * rollup_daily_uniques counts users per (site, day, previous active day): the distinct users of
--    a range [from, to] are the rows with day in the range and prev_day < from, summed. A user's
--    first visit has prev_day -100000001. It replaces rollup_site_users (all time is the range
--    with no start).
--  * rollup_days (per-day totals) and rollup_paths (all-time page views per path).

-- DropTable
DROP TABLE "rollup_site_users";

-- CreateTable
CREATE TABLE "rollup_daily_uniques" (
    "site_id" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "prev_day" INTEGER NOT NULL,
    "users" INTEGER NOT NULL,

    PRIMARY KEY ("site_id", "day", "prev_day")
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "rollup_days" (
    "site_id" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "events" INTEGER NOT NULL,
    "views" INTEGER NOT NULL,

    PRIMARY KEY ("site_id", "day")
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "rollup_paths" (
    "site_id" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "views" INTEGER NOT NULL,

    PRIMARY KEY ("site_id", "path")
) WITHOUT ROWID;

-- RedefineTables
CREATE TABLE "new_rollup_daily_users" (
    "site_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "day" INTEGER NOT NULL,

    PRIMARY KEY ("site_id", "user_id", "day")
) WITHOUT ROWID;
INSERT INTO "new_rollup_daily_users" ("day", "site_id", "user_id") SELECT "day", "site_id", "user_id" FROM "rollup_daily_users";
DROP TABLE "rollup_daily_users";
ALTER TABLE "new_rollup_daily_users" RENAME TO "rollup_daily_users";

-- Backfill from the rollups already stored
INSERT INTO "rollup_daily_uniques" ("site_id", "day", "prev_day", "users")
  SELECT "site_id", "day",
         coalesce((SELECT max(p."day") FROM "rollup_daily_users" p
                    WHERE p."site_id" = d."site_id" AND p."user_id" = d."user_id" AND p."day" < d."day"), -100000001),
         count(*)
  FROM "rollup_daily_users" d GROUP BY 1, 2, 3;
INSERT INTO "rollup_days" ("site_id", "day", "events", "views")
  SELECT "site_id", "day", sum("events"), sum(CASE WHEN "event_type" = 'page_view' THEN "events" ELSE 0 END)
  FROM "rollup_daily" GROUP BY 1, 2;
INSERT INTO "rollup_paths" ("site_id", "path", "views")
  SELECT "site_id", "path", sum("events") FROM "rollup_daily"
  WHERE "event_type" = 'page_view' AND "path" != '' GROUP BY 1, 2;
