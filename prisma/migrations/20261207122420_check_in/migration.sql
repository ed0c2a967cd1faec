-- AlterEnum
ALTER TYPE "StaffRole" ADD VALUE 'door';

-- CreateTable
CREATE TABLE "CheckIn" (
    "orderItemId" TEXT NOT NULL,
    "showtimeId" TEXT NOT NULL,
    "ticketCode" TEXT NOT NULL,
    "scannedAt" TIMESTAMP(3) NOT NULL,
    "device" TEXT NOT NULL,
    "scannedBy" TEXT NOT NULL,
    "staffUserId" TEXT,
    "offline" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CheckIn_pkey" PRIMARY KEY ("orderItemId")
);

-- CreateIndex
CREATE INDEX "CheckIn_showtimeId_scannedAt_idx" ON "CheckIn"("showtimeId", "scannedAt");

-- AddForeignKey
ALTER TABLE "CheckIn" ADD CONSTRAINT "CheckIn_orderItemId_fkey" FOREIGN KEY ("orderItemId") REFERENCES "OrderItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;
