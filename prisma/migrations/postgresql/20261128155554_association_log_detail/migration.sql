-- AlterTable
ALTER TABLE "AssociationLog" ADD COLUMN     "detail" TEXT NOT NULL DEFAULT '';
