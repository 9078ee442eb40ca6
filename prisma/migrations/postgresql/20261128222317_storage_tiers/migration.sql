-- AlterTable
ALTER TABLE "Sandbox" ADD COLUMN     "longTermCodec" TEXT NOT NULL DEFAULT 'jpeg-ls',
ADD COLUMN     "longTermRatio" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "lossyPolicy" TEXT NOT NULL DEFAULT 'never-before-read',
ADD COLUMN     "shortTermDays" INTEGER NOT NULL DEFAULT 60;

-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "lossy" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "originalFileSize" BIGINT,
ADD COLUMN     "originalSopInstanceUid" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "originalTransferSyntaxUid" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "tier" TEXT NOT NULL DEFAULT 'short';
