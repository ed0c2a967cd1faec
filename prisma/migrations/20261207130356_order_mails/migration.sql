-- CreateTable
CREATE TABLE "OrderMail" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "ref" TEXT NOT NULL DEFAULT '',
    "auditId" BIGINT NOT NULL,
    "auditAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "queued" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "OrderMail_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OrderMail_auditId_key" ON "OrderMail"("auditId");

-- CreateIndex
CREATE INDEX "OrderMail_status_queued_idx" ON "OrderMail"("status", "queued");

-- CreateIndex
CREATE INDEX "OrderMail_auditAt_idx" ON "OrderMail"("auditAt");

-- CreateIndex
CREATE UNIQUE INDEX "OrderMail_orderId_kind_ref_key" ON "OrderMail"("orderId", "kind", "ref");
