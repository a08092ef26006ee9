-- AlterTable: the tamper-evident chain (src/audit/audit-chain.ts). Each record stores its place in the
-- chain, the previous record's hash and the SHA-256 of its own canonical content chained to it.
-- Records stored before this migration keep NULLs: they predate the chain, and `npm run audit:verify`
-- counts them apart (an append-only table cannot be backfilled).
ALTER TABLE "prediction" ADD COLUMN "sequence" BIGINT,
ADD COLUMN "previous_hash" TEXT,
ADD COLUMN "hash" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "prediction_sequence_key" ON "prediction"("sequence");

-- CreateIndex
CREATE UNIQUE INDEX "prediction_hash_key" ON "prediction"("hash");
