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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Sandbox_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Sandbox" ("createdAt", "id", "name", "ownerId", "slug", "storageQuotaBytes") SELECT "createdAt", "id", "name", "ownerId", "slug", "storageQuotaBytes" FROM "Sandbox";
DROP TABLE "Sandbox";
ALTER TABLE "new_Sandbox" RENAME TO "Sandbox";
CREATE UNIQUE INDEX "Sandbox_slug_key" ON "Sandbox"("slug");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
