-- CreateTable
CREATE TABLE "FaultInjection" (
    "id" TEXT NOT NULL,
    "sandboxId" TEXT NOT NULL,
    "faultId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "params" JSONB NOT NULL,
    "undo" JSONB NOT NULL,
    "lastCheck" JSONB,
    "injectedById" TEXT,
    "injectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fixedAt" TIMESTAMP(3),
    "clearedAt" TIMESTAMP(3),

    CONSTRAINT "FaultInjection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FaultInjection_sandboxId_status_idx" ON "FaultInjection"("sandboxId", "status");

-- AddForeignKey
ALTER TABLE "FaultInjection" ADD CONSTRAINT "FaultInjection_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;
