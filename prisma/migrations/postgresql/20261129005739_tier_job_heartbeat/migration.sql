-- AlterTable
ALTER TABLE "TierJob" ADD COLUMN     "heartbeatAt" TIMESTAMP(3);
