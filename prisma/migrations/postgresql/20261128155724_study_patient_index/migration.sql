-- CreateIndex
CREATE INDEX "Study_patientRefId_idx" ON "Study"("patientRefId");
