-- AlterTable
ALTER TABLE "DicomNode" ADD COLUMN     "acceptPolicy" TEXT NOT NULL DEFAULT 'all';
