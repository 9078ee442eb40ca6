-- CreateTable
CREATE TABLE "FaultInjection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sandboxId" TEXT NOT NULL,
    "faultId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "params" JSONB NOT NULL,
    "undo" JSONB NOT NULL,
    "lastCheck" JSONB,
    "injectedById" TEXT,
    "injectedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fixedAt" DATETIME,
    "clearedAt" DATETIME,
    CONSTRAINT "FaultInjection_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "FaultInjection_sandboxId_status_idx" ON "FaultInjection"("sandboxId", "status");
