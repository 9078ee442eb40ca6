-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL,
    "sandboxId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "patientName" TEXT NOT NULL,
    "patientBirthDate" TEXT NOT NULL DEFAULT '',
    "patientSex" TEXT NOT NULL DEFAULT '',
    "accessionNumber" TEXT NOT NULL,
    "requestedProcedureId" TEXT NOT NULL,
    "requestedProcedureDescription" TEXT NOT NULL DEFAULT '',
    "modality" TEXT NOT NULL,
    "scheduledStationAeTitle" TEXT NOT NULL,
    "scheduledStationName" TEXT NOT NULL DEFAULT '',
    "scheduledProcedureStepId" TEXT NOT NULL,
    "scheduledProcedureStepDescription" TEXT NOT NULL DEFAULT '',
    "scheduledStartDate" TEXT NOT NULL,
    "scheduledStartTime" TEXT NOT NULL,
    "scheduledPerformingPhysicianName" TEXT NOT NULL DEFAULT '',
    "referringPhysicianName" TEXT NOT NULL DEFAULT '',
    "reason" TEXT NOT NULL DEFAULT '',
    "priority" TEXT NOT NULL DEFAULT 'ROUTINE',
    "studyInstanceUid" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PerformedProcedureStep" (
    "id" TEXT NOT NULL,
    "sandboxId" TEXT NOT NULL,
    "sopInstanceUid" TEXT NOT NULL,
    "orderId" TEXT,
    "status" TEXT NOT NULL,
    "performedProcedureStepId" TEXT NOT NULL DEFAULT '',
    "performedStationAeTitle" TEXT NOT NULL DEFAULT '',
    "modality" TEXT NOT NULL DEFAULT '',
    "attributes" JSONB NOT NULL,
    "performedSeries" JSONB,
    "sourceAe" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PerformedProcedureStep_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Order_sandboxId_status_scheduledStartDate_idx" ON "Order"("sandboxId", "status", "scheduledStartDate");

-- CreateIndex
CREATE INDEX "Order_sandboxId_studyInstanceUid_idx" ON "Order"("sandboxId", "studyInstanceUid");

-- CreateIndex
CREATE UNIQUE INDEX "Order_sandboxId_accessionNumber_key" ON "Order"("sandboxId", "accessionNumber");

-- CreateIndex
CREATE INDEX "PerformedProcedureStep_orderId_idx" ON "PerformedProcedureStep"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "PerformedProcedureStep_sandboxId_sopInstanceUid_key" ON "PerformedProcedureStep"("sandboxId", "sopInstanceUid");

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PerformedProcedureStep" ADD CONSTRAINT "PerformedProcedureStep_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PerformedProcedureStep" ADD CONSTRAINT "PerformedProcedureStep_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE SET NULL ON UPDATE CASCADE;
