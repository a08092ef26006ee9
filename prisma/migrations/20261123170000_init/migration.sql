-- CreateEnum
CREATE TYPE "risk_band" AS ENUM ('LOW', 'MODERATE', 'HIGH');

-- CreateTable
CREATE TABLE "prediction" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "model_id" TEXT NOT NULL,
    "model_version" TEXT NOT NULL,
    "onnx_sha256" TEXT NOT NULL,
    "inputs" JSONB NOT NULL,
    "vector" JSONB NOT NULL,
    "probability" DOUBLE PRECISION NOT NULL,
    "positive" BOOLEAN NOT NULL,
    "risk_band" "risk_band" NOT NULL,
    "base_value" DOUBLE PRECISION NOT NULL,
    "contributions" JSONB NOT NULL,
    "patient_ref" TEXT,
    "request_id" TEXT NOT NULL,
    "latency_ms" DOUBLE PRECISION NOT NULL,
    "requester" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "prediction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "prediction_model_id_created_at_idx" ON "prediction"("model_id", "created_at");

-- CreateIndex
CREATE INDEX "prediction_patient_ref_created_at_idx" ON "prediction"("patient_ref", "created_at");

-- CreateIndex
CREATE INDEX "prediction_risk_band_created_at_idx" ON "prediction"("risk_band", "created_at");

-- CreateIndex
CREATE INDEX "prediction_created_at_id_idx" ON "prediction"("created_at", "id");

-- AppendOnly (hand-written; Prisma does not model triggers): audit records are never changed or
-- removed. A statement-level trigger also rejects statements that would match no row, so a client
-- learns at once that the table is append-only.
CREATE FUNCTION "prediction_reject_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'prediction is an append-only audit log: % is not allowed', TG_OP
        USING HINT = 'Audit records can only be inserted; record a correction as a new prediction.';
END;
$$;

CREATE TRIGGER "prediction_append_only"
    BEFORE UPDATE OR DELETE OR TRUNCATE ON "prediction"
    FOR EACH STATEMENT EXECUTE FUNCTION "prediction_reject_change"();
