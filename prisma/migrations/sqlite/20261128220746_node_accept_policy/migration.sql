-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_DicomNode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sandboxId" TEXT NOT NULL,
    "aeTitle" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "host" TEXT NOT NULL DEFAULT '127.0.0.1',
    "port" INTEGER NOT NULL DEFAULT 104,
    "local" BOOLEAN NOT NULL DEFAULT false,
    "description" TEXT NOT NULL DEFAULT '',
    "acceptPolicy" TEXT NOT NULL DEFAULT 'all',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "DicomNode_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_DicomNode" ("aeTitle", "createdAt", "description", "host", "id", "local", "port", "role", "sandboxId", "updatedAt") SELECT "aeTitle", "createdAt", "description", "host", "id", "local", "port", "role", "sandboxId", "updatedAt" FROM "DicomNode";
DROP TABLE "DicomNode";
ALTER TABLE "new_DicomNode" RENAME TO "DicomNode";
CREATE INDEX "DicomNode_aeTitle_idx" ON "DicomNode"("aeTitle");
CREATE UNIQUE INDEX "DicomNode_sandboxId_aeTitle_key" ON "DicomNode"("sandboxId", "aeTitle");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
