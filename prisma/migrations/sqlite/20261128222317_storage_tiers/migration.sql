-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Sandbox" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "ownerId" TEXT,
    "storageQuotaBytes" BIGINT NOT NULL DEFAULT 2147483648,
    "archiveStoppedAt" DATETIME,
    "archiveStoppedReason" TEXT NOT NULL DEFAULT '',
    "archiveStallAfter" INTEGER,
    "shortTermDays" INTEGER NOT NULL DEFAULT 60,
    "longTermCodec" TEXT NOT NULL DEFAULT 'jpeg-ls',
    "longTermRatio" INTEGER NOT NULL DEFAULT 10,
    "lossyPolicy" TEXT NOT NULL DEFAULT 'never-before-read',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Sandbox_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Sandbox" ("archiveStallAfter", "archiveStoppedAt", "archiveStoppedReason", "createdAt", "id", "name", "ownerId", "slug", "storageQuotaBytes") SELECT "archiveStallAfter", "archiveStoppedAt", "archiveStoppedReason", "createdAt", "id", "name", "ownerId", "slug", "storageQuotaBytes" FROM "Sandbox";
DROP TABLE "Sandbox";
ALTER TABLE "new_Sandbox" RENAME TO "Sandbox";
CREATE UNIQUE INDEX "Sandbox_slug_key" ON "Sandbox"("slug");
CREATE TABLE "new_Instance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sandboxId" TEXT NOT NULL,
    "seriesRefId" TEXT NOT NULL,
    "sopInstanceUid" TEXT NOT NULL,
    "sopClassUid" TEXT NOT NULL,
    "instanceNumber" INTEGER,
    "transferSyntaxUid" TEXT NOT NULL,
    "rows" INTEGER,
    "columns" INTEGER,
    "numberOfFrames" INTEGER,
    "filePath" TEXT NOT NULL,
    "fileSize" BIGINT NOT NULL,
    "sourceAe" TEXT NOT NULL DEFAULT '',
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "tier" TEXT NOT NULL DEFAULT 'short',
    "originalFileSize" BIGINT,
    "originalTransferSyntaxUid" TEXT NOT NULL DEFAULT '',
    "originalSopInstanceUid" TEXT NOT NULL DEFAULT '',
    "lossy" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "Instance_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Instance_seriesRefId_fkey" FOREIGN KEY ("seriesRefId") REFERENCES "Series" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Instance" ("columns", "filePath", "fileSize", "id", "instanceNumber", "numberOfFrames", "receivedAt", "rows", "sandboxId", "seriesRefId", "sopClassUid", "sopInstanceUid", "sourceAe", "transferSyntaxUid") SELECT "columns", "filePath", "fileSize", "id", "instanceNumber", "numberOfFrames", "receivedAt", "rows", "sandboxId", "seriesRefId", "sopClassUid", "sopInstanceUid", "sourceAe", "transferSyntaxUid" FROM "Instance";
DROP TABLE "Instance";
ALTER TABLE "new_Instance" RENAME TO "Instance";
CREATE INDEX "Instance_seriesRefId_idx" ON "Instance"("seriesRefId");
CREATE UNIQUE INDEX "Instance_sandboxId_sopInstanceUid_key" ON "Instance"("sandboxId", "sopInstanceUid");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
