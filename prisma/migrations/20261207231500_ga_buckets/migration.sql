-- AlterTable
ALTER TABLE "Showtime" ADD COLUMN     "gaBuckets" INTEGER NOT NULL DEFAULT 1;
