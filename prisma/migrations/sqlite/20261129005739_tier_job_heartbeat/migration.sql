-- AlterTable
ALTER TABLE "TierJob" ADD COLUMN "heartbeatAt" DATETIME;
