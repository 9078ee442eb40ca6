-- AlterTable
ALTER TABLE "Sandbox" ADD COLUMN     "hl7InboundStoppedAt" TIMESTAMP(3),
ADD COLUMN     "hl7InboundStoppedReason" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "ScenarioAttempt" ADD COLUMN     "networkLog" JSONB;

-- CreateTable
CREATE TABLE "AssignmentStudent" (
    "assignmentId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    CONSTRAINT "AssignmentStudent_pkey" PRIMARY KEY ("assignmentId","userId")
);

-- CreateTable
CREATE TABLE "Hl7Outbound" (
    "id" TEXT NOT NULL,
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
    "lastAttemptAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Hl7Outbound_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TierJob" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "TierJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AssignmentStudent_userId_idx" ON "AssignmentStudent"("userId");

-- CreateIndex
CREATE INDEX "Hl7Outbound_sandboxId_status_idx" ON "Hl7Outbound"("sandboxId", "status");

-- CreateIndex
CREATE INDEX "TierJob_sandboxId_createdAt_idx" ON "TierJob"("sandboxId", "createdAt");

-- AddForeignKey
ALTER TABLE "AssignmentStudent" ADD CONSTRAINT "AssignmentStudent_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssignmentStudent" ADD CONSTRAINT "AssignmentStudent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Hl7Outbound" ADD CONSTRAINT "Hl7Outbound_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TierJob" ADD CONSTRAINT "TierJob_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;
