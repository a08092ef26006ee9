-- Monitoring (src/monitoring): stays, their append-only observations, hourly assessments, alerts and the
-- chained events of alerts.

-- CreateEnum
CREATE TYPE "observation_source" AS ENUM ('graphql', 'fhir', 'nats', 'replay');

-- CreateEnum
CREATE TYPE "observation_status" AS ENUM ('final', 'amended', 'entered-in-error');

-- CreateEnum
CREATE TYPE "alert_kind" AS ENUM ('sepsis', 'news2', 'qsofa');

-- CreateEnum
CREATE TYPE "alert_state" AS ENUM ('open', 'acknowledged', 'resolved');

-- CreateTable
CREATE TABLE "stay" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "stay_ref" TEXT NOT NULL,
    "patient_ref" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "admitted_at" TIMESTAMPTZ(3) NOT NULL,
    "discharged_at" TIMESTAMPTZ(3),
    "facts" JSONB NOT NULL,
    "spo2_scale" INTEGER NOT NULL DEFAULT 1,
    "admitted_by" TEXT NOT NULL,
    "source" "observation_source" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "observation" (
    "seq" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "stay_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION,
    "sent_value" DOUBLE PRECISION,
    "sent_unit" TEXT,
    "status" "observation_status" NOT NULL DEFAULT 'final',
    "source" "observation_source" NOT NULL,
    "source_id" TEXT NOT NULL,
    "supersedes" BIGINT,
    "requester" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "observation_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "assessment" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "stay_id" UUID NOT NULL,
    "hour" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,
    "through_seq" BIGINT NOT NULL,
    "sepsis_prediction_id" UUID,
    "sepsis_probability" DOUBLE PRECISION,
    "sepsis_positive" BOOLEAN,
    "icu_mortality_prediction_id" UUID,
    "icu_mortality_probability" DOUBLE PRECISION,
    "news2" JSONB NOT NULL,
    "news2_total" INTEGER,
    "qsofa" JSONB NOT NULL,
    "qsofa_total" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assessment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "stay_id" UUID NOT NULL,
    "kind" "alert_kind" NOT NULL,
    "state" "alert_state" NOT NULL,
    "hour" INTEGER NOT NULL,
    "assessment_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "raised_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" TEXT,
    "acknowledged_hour" INTEGER,
    "acknowledge_note" TEXT,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" TEXT,
    "resolve_note" TEXT,

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_event" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "alert_id" UUID NOT NULL,
    "from_state" "alert_state",
    "to_state" "alert_state" NOT NULL,
    "actor" TEXT NOT NULL,
    "note" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "sequence" BIGINT NOT NULL,
    "previous_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "alert_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "stay_stay_ref_key" ON "stay"("stay_ref");

-- CreateIndex
CREATE INDEX "stay_unit_discharged_at_idx" ON "stay"("unit", "discharged_at");

-- CreateIndex
CREATE INDEX "stay_patient_ref_idx" ON "stay"("patient_ref");

-- CreateIndex
CREATE UNIQUE INDEX "observation_id_key" ON "observation"("id");

-- CreateIndex
CREATE INDEX "observation_stay_id_seq_idx" ON "observation"("stay_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "observation_source_source_id_key" ON "observation"("source", "source_id");

-- CreateIndex
CREATE UNIQUE INDEX "assessment_stay_id_hour_revision_key" ON "assessment"("stay_id", "hour", "revision");

-- CreateIndex
CREATE INDEX "alert_stay_id_kind_state_idx" ON "alert"("stay_id", "kind", "state");

-- CreateIndex
CREATE INDEX "alert_state_raised_at_idx" ON "alert"("state", "raised_at");

-- CreateIndex
CREATE INDEX "alert_event_alert_id_idx" ON "alert_event"("alert_id");

-- CreateIndex
CREATE UNIQUE INDEX "alert_event_sequence_key" ON "alert_event"("sequence");

-- CreateIndex
CREATE UNIQUE INDEX "alert_event_hash_key" ON "alert_event"("hash");

-- AddForeignKey
ALTER TABLE "observation" ADD CONSTRAINT "observation_stay_id_fkey" FOREIGN KEY ("stay_id") REFERENCES "stay"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assessment" ADD CONSTRAINT "assessment_stay_id_fkey" FOREIGN KEY ("stay_id") REFERENCES "stay"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert" ADD CONSTRAINT "alert_stay_id_fkey" FOREIGN KEY ("stay_id") REFERENCES "stay"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_event" ADD CONSTRAINT "alert_event_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alert"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- One open alert per stay and kind (hand-written: Prisma does not model partial indexes): a condition that
-- persists does not raise a new alert every hour.
CREATE UNIQUE INDEX "alert_one_open_per_stay_kind" ON "alert"("stay_id", "kind") WHERE "state" = 'open';

-- AppendOnly (hand-written): observations, assessments and alert events are never changed or removed; a
-- correction is a new observation that supersedes the one it names.
CREATE FUNCTION "monitoring_reject_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING HINT = 'Record a correction as a new row.';
END;
$$;

CREATE TRIGGER "observation_append_only"
    BEFORE UPDATE OR DELETE OR TRUNCATE ON "observation"
    FOR EACH STATEMENT EXECUTE FUNCTION "monitoring_reject_change"();

CREATE TRIGGER "assessment_append_only"
    BEFORE UPDATE OR DELETE OR TRUNCATE ON "assessment"
    FOR EACH STATEMENT EXECUTE FUNCTION "monitoring_reject_change"();

CREATE TRIGGER "alert_event_append_only"
    BEFORE UPDATE OR DELETE OR TRUNCATE ON "alert_event"
    FOR EACH STATEMENT EXECUTE FUNCTION "monitoring_reject_change"();
