-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AssociationLog" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sandboxId" TEXT,
    "callingAe" TEXT NOT NULL,
    "calledAe" TEXT NOT NULL,
    "peerAddress" TEXT NOT NULL DEFAULT '',
    "outcome" TEXT NOT NULL,
    "rejectReason" TEXT NOT NULL DEFAULT '',
    "detail" TEXT NOT NULL DEFAULT '',
    "contexts" JSONB,
    "bytesIn" BIGINT NOT NULL DEFAULT 0,
    "bytesOut" BIGINT NOT NULL DEFAULT 0,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    CONSTRAINT "AssociationLog_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_AssociationLog" ("bytesIn", "bytesOut", "calledAe", "callingAe", "contexts", "endedAt", "id", "outcome", "peerAddress", "rejectReason", "sandboxId", "startedAt") SELECT "bytesIn", "bytesOut", "calledAe", "callingAe", "contexts", "endedAt", "id", "outcome", "peerAddress", "rejectReason", "sandboxId", "startedAt" FROM "AssociationLog";
DROP TABLE "AssociationLog";
ALTER TABLE "new_AssociationLog" RENAME TO "AssociationLog";
CREATE INDEX "AssociationLog_sandboxId_startedAt_idx" ON "AssociationLog"("sandboxId", "startedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
