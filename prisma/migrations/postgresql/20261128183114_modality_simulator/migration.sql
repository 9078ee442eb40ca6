-- CreateTable
CREATE TABLE "ModalityConfig" (
    "id" TEXT NOT NULL,
    "sandboxId" TEXT NOT NULL,
    "modalityAe" TEXT NOT NULL,
    "localAeTitle" TEXT NOT NULL,
    "modality" TEXT NOT NULL,
    "stationName" TEXT NOT NULL DEFAULT '',
    "timeoutSeconds" INTEGER NOT NULL DEFAULT 10,
    "transferSyntaxUid" TEXT NOT NULL DEFAULT '1.2.840.10008.1.2.1',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ModalityConfig_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModalityDestination" (
    "id" TEXT NOT NULL,
    "sandboxId" TEXT NOT NULL,
    "modalityAe" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "aeTitle" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "isDefault" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ModalityDestination_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Acquisition" (
    "id" TEXT NOT NULL,
    "sandboxId" TEXT NOT NULL,
    "modalityAe" TEXT NOT NULL,
    "orderId" TEXT,
    "manual" BOOLEAN NOT NULL DEFAULT false,
    "patientId" TEXT NOT NULL,
    "patientName" TEXT NOT NULL,
    "patientBirthDate" TEXT NOT NULL DEFAULT '',
    "patientSex" TEXT NOT NULL DEFAULT '',
    "accessionNumber" TEXT NOT NULL DEFAULT '',
    "studyInstanceUid" TEXT NOT NULL,
    "studyDescription" TEXT NOT NULL DEFAULT '',
    "protocolId" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "imageCount" INTEGER NOT NULL DEFAULT 0,
    "folder" TEXT NOT NULL,
    "mppsSopInstanceUid" TEXT NOT NULL DEFAULT '',
    "mppsStatus" TEXT NOT NULL DEFAULT 'none',
    "mppsError" TEXT NOT NULL DEFAULT '',
    "discontinuedReason" TEXT NOT NULL DEFAULT '',
    "purgedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Acquisition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AcquiredImage" (
    "id" TEXT NOT NULL,
    "acquisitionId" TEXT NOT NULL,
    "sopInstanceUid" TEXT NOT NULL,
    "sopClassUid" TEXT NOT NULL,
    "seriesInstanceUid" TEXT NOT NULL,
    "seriesNumber" INTEGER NOT NULL,
    "seriesDescription" TEXT NOT NULL DEFAULT '',
    "instanceNumber" INTEGER NOT NULL,
    "file" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,

    CONSTRAINT "AcquiredImage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SendJob" (
    "id" TEXT NOT NULL,
    "sandboxId" TEXT NOT NULL,
    "modalityAe" TEXT NOT NULL,
    "acquisitionId" TEXT NOT NULL,
    "destinationId" TEXT,
    "target" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "error" TEXT NOT NULL DEFAULT '',
    "errorKind" TEXT NOT NULL DEFAULT '',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "commitStatus" TEXT NOT NULL DEFAULT 'none',
    "commitTransactionUid" TEXT NOT NULL DEFAULT '',
    "commitError" TEXT NOT NULL DEFAULT '',
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SendJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SendItem" (
    "id" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "dimseStatus" INTEGER,
    "message" TEXT NOT NULL DEFAULT '',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sentAt" TIMESTAMP(3),
    "committedAt" TIMESTAMP(3),
    "commitFailure" INTEGER,

    CONSTRAINT "SendItem_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ModalityConfig_sandboxId_modalityAe_key" ON "ModalityConfig"("sandboxId", "modalityAe");

-- CreateIndex
CREATE INDEX "ModalityDestination_sandboxId_modalityAe_role_idx" ON "ModalityDestination"("sandboxId", "modalityAe", "role");

-- CreateIndex
CREATE INDEX "Acquisition_sandboxId_modalityAe_createdAt_idx" ON "Acquisition"("sandboxId", "modalityAe", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AcquiredImage_acquisitionId_sopInstanceUid_key" ON "AcquiredImage"("acquisitionId", "sopInstanceUid");

-- CreateIndex
CREATE INDEX "SendJob_sandboxId_modalityAe_createdAt_idx" ON "SendJob"("sandboxId", "modalityAe", "createdAt");

-- CreateIndex
CREATE INDEX "SendJob_acquisitionId_idx" ON "SendJob"("acquisitionId");

-- CreateIndex
CREATE INDEX "SendItem_imageId_idx" ON "SendItem"("imageId");

-- CreateIndex
CREATE UNIQUE INDEX "SendItem_jobId_imageId_key" ON "SendItem"("jobId", "imageId");

-- AddForeignKey
ALTER TABLE "ModalityConfig" ADD CONSTRAINT "ModalityConfig_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModalityDestination" ADD CONSTRAINT "ModalityDestination_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Acquisition" ADD CONSTRAINT "Acquisition_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Acquisition" ADD CONSTRAINT "Acquisition_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AcquiredImage" ADD CONSTRAINT "AcquiredImage_acquisitionId_fkey" FOREIGN KEY ("acquisitionId") REFERENCES "Acquisition"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SendJob" ADD CONSTRAINT "SendJob_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SendJob" ADD CONSTRAINT "SendJob_acquisitionId_fkey" FOREIGN KEY ("acquisitionId") REFERENCES "Acquisition"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SendJob" ADD CONSTRAINT "SendJob_destinationId_fkey" FOREIGN KEY ("destinationId") REFERENCES "ModalityDestination"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SendItem" ADD CONSTRAINT "SendItem_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "SendJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SendItem" ADD CONSTRAINT "SendItem_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "AcquiredImage"("id") ON DELETE CASCADE ON UPDATE CASCADE;
