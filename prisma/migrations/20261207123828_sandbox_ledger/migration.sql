-- CreateTable
CREATE TABLE "SandboxLedgerPayment" (
    "ref" TEXT NOT NULL,
    "paymentId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "returnUrl" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'requires_payment',
    "failureCode" TEXT NOT NULL DEFAULT '',
    "refundedCents" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SandboxLedgerPayment_pkey" PRIMARY KEY ("ref")
);

-- CreateTable
CREATE TABLE "SandboxLedgerRefund" (
    "idempotencyKey" TEXT NOT NULL,
    "answer" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxLedgerRefund_pkey" PRIMARY KEY ("idempotencyKey")
);

-- CreateIndex
CREATE UNIQUE INDEX "SandboxLedgerPayment_paymentId_key" ON "SandboxLedgerPayment"("paymentId");
