-- AlterTable
ALTER TABLE "Showtime" ADD COLUMN     "inventoryEpoch" INTEGER NOT NULL DEFAULT 0;
