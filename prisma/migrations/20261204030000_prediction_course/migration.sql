-- AlterTable: the course a timeline model was asked about, as sent (src/audit/audit-record.ts
-- auditCourseSchema); NULL for records of a row of features, which is every record stored before.
-- The chain hashes `course` only when it is present (src/audit/audit-chain.ts content()), so every
-- existing record's hash stays valid.
ALTER TABLE "prediction" ADD COLUMN "course" JSONB;
