-- AlterTable
ALTER TABLE "Buyer" ADD COLUMN     "emailVerifiedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Showtime" ADD COLUMN     "admissionPerMinute" INTEGER NOT NULL DEFAULT 600,
ADD COLUMN     "botChallenge" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "holdLimitPerAddress" INTEGER,
ADD COLUMN     "holdLimitPerBuyer" INTEGER,
ADD COLUMN     "maxShoppers" INTEGER NOT NULL DEFAULT 2000,
ADD COLUMN     "queueJoinLimitPerAddress" INTEGER,
ADD COLUMN     "requireVerifiedBuyers" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "shoppingWindowSeconds" INTEGER NOT NULL DEFAULT 600,
ADD COLUMN     "waitingRoom" BOOLEAN NOT NULL DEFAULT false;
