-- Instance numbers for event ids (src/storage/port.ts, claimInstance): each process claims one at
-- start and numbers its events instance * 2^32 + n, so many processes can write to one database.

-- CreateTable
CREATE TABLE "pulse_instances" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "started_at" BIGINT NOT NULL
);
