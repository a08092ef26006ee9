-- The ward board reads each active stay's latest value of a code, and whether an observation was superseded, by index:
-- a board of 200 stays costs 1,000 index probes instead of sorting every observation of every stay.
CREATE INDEX "observation_stay_id_name_time_seq_idx" ON "observation"("stay_id", "name", "time", "seq");

CREATE INDEX "observation_stay_id_supersedes_idx" ON "observation"("stay_id", "supersedes");
