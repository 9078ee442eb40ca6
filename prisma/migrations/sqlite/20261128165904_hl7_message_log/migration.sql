-- CreateTable
CREATE TABLE "Hl7Message" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sandboxId" TEXT,
    "direction" TEXT NOT NULL,
    "messageType" TEXT NOT NULL DEFAULT '',
    "controlId" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL,
    "error" TEXT NOT NULL DEFAULT '',
    "placerOrderNumber" TEXT NOT NULL DEFAULT '',
    "accessionNumber" TEXT NOT NULL DEFAULT '',
    "peerAddress" TEXT NOT NULL DEFAULT '',
    "raw" TEXT NOT NULL,
    "ack" TEXT NOT NULL DEFAULT '',
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Hl7Message_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Hl7Message_sandboxId_receivedAt_idx" ON "Hl7Message"("sandboxId", "receivedAt");

-- CreateIndex
CREATE INDEX "Hl7Message_sandboxId_placerOrderNumber_idx" ON "Hl7Message"("sandboxId", "placerOrderNumber");
