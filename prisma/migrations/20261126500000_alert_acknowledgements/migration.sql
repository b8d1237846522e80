-- An on-call engineer acknowledges the firing alerts of an issue type: who, when and why. A
-- condition that fires again later is a new alert, unacknowledged.
ALTER TABLE "alerts"
  ADD COLUMN "acknowledged_by" TEXT,
  ADD COLUMN "acknowledged_at" TIMESTAMPTZ(3),
  ADD COLUMN "ack_comment" TEXT;
