-- AlterTable
ALTER TABLE "ScenarioAttempt" ADD COLUMN "networkLog" JSONB;

-- CreateTable
CREATE TABLE "AssignmentStudent" (
    "assignmentId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    PRIMARY KEY ("assignmentId", "userId"),
    CONSTRAINT "AssignmentStudent_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AssignmentStudent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Hl7Outbound" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sandboxId" TEXT NOT NULL,
    "messageType" TEXT NOT NULL,
    "controlId" TEXT NOT NULL,
    "accessionNumber" TEXT NOT NULL DEFAULT '',
    "patientName" TEXT NOT NULL DEFAULT '',
    "raw" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT NOT NULL DEFAULT '',
    "ackCode" TEXT NOT NULL DEFAULT '',
    "lastAttemptAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Hl7Outbound_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TierJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sandboxId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "studiesTotal" INTEGER NOT NULL DEFAULT 0,
    "studiesDone" INTEGER NOT NULL DEFAULT 0,
    "instancesTotal" INTEGER NOT NULL DEFAULT 0,
    "instancesDone" INTEGER NOT NULL DEFAULT 0,
    "result" JSONB,
    "error" TEXT NOT NULL DEFAULT '',
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "TierJob_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

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
    "hl7InboundStoppedAt" DATETIME,
    "hl7InboundStoppedReason" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Sandbox_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Sandbox" ("archiveStallAfter", "archiveStoppedAt", "archiveStoppedReason", "createdAt", "id", "longTermCodec", "longTermRatio", "lossyPolicy", "name", "ownerId", "shortTermDays", "slug", "storageQuotaBytes") SELECT "archiveStallAfter", "archiveStoppedAt", "archiveStoppedReason", "createdAt", "id", "longTermCodec", "longTermRatio", "lossyPolicy", "name", "ownerId", "shortTermDays", "slug", "storageQuotaBytes" FROM "Sandbox";
DROP TABLE "Sandbox";
ALTER TABLE "new_Sandbox" RENAME TO "Sandbox";
CREATE UNIQUE INDEX "Sandbox_slug_key" ON "Sandbox"("slug");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "AssignmentStudent_userId_idx" ON "AssignmentStudent"("userId");

-- CreateIndex
CREATE INDEX "Hl7Outbound_sandboxId_status_idx" ON "Hl7Outbound"("sandboxId", "status");

-- CreateIndex
CREATE INDEX "TierJob_sandboxId_createdAt_idx" ON "TierJob"("sandboxId", "createdAt");
