-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "limitKey" TEXT;
