-- AlterTable
ALTER TABLE "Refund" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failureCode" TEXT,
ADD COLUMN     "returnedAt" TIMESTAMP(3);

-- Refunds made before this migration returned their items to sale before the provider was asked.
UPDATE "Refund" SET "returnedAt" = "updatedAt" WHERE status <> 'created';
