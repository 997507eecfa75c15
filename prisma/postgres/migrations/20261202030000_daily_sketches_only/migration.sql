-- Unique-user sketches are kept per UTC day only (src/storage/sketches.ts): the hourly ones were
-- 7x the keys a flush merges and tripled its cost; partial days are read from the raw events.
DROP TABLE "rollup_users_hourly";
