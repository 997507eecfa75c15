-- CreateTable
CREATE TABLE "events" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "site_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "path" TEXT,
    "user_id" TEXT,
    "timestamp" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "visitor_salts" (
    "day" TEXT NOT NULL PRIMARY KEY,
    "salt" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "events_site_id_timestamp_idx" ON "events"("site_id", "timestamp");

