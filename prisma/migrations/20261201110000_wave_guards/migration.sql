-- Guards: a check result may be "not enough data" (which never passes), and a relative check
-- (error_rate < 2x baseline) records the baseline's value and the ratio beside the measured value.
ALTER TABLE "release_check_results"
  ADD COLUMN "state" TEXT,
  ADD COLUMN "baseline" DOUBLE PRECISION,
  ADD COLUMN "ratio" DOUBLE PRECISION;
