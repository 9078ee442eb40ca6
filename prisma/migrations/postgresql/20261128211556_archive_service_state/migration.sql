-- AlterTable
ALTER TABLE "Sandbox" ADD COLUMN     "archiveStallAfter" INTEGER,
ADD COLUMN     "archiveStoppedAt" TIMESTAMP(3),
ADD COLUMN     "archiveStoppedReason" TEXT NOT NULL DEFAULT '';
