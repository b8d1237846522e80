-- Flags that know the fleet.
--   requires          code prerequisites: service → semver range the customer's home cell must run
--   guard             the ramp's guard: checks (the pipelines' language), on breach hold | revert, …
--   held_*, hold_*    set while the guard holds the ramp: since when, the percentage in force, why
--   guard_since       the guard looks no further back (set when a product owner resumes the ramp)
--   percentage_before the effective percentage just before the last hand-set change (revert target)
ALTER TABLE "feature_flags"
  ADD COLUMN "requires" JSONB NOT NULL DEFAULT '{}',
  ADD COLUMN "guard" JSONB,
  ADD COLUMN "held_at" TIMESTAMPTZ(3),
  ADD COLUMN "held_percentage" INTEGER,
  ADD COLUMN "hold_reason" TEXT,
  ADD COLUMN "guard_since" TIMESTAMPTZ(3),
  ADD COLUMN "percentage_before" INTEGER,
  ADD CONSTRAINT "feature_flags_hold_check" CHECK (("held_at" IS NULL) = ("held_percentage" IS NULL));

-- What each flag's guard saw at its last evaluation (an observation, rewritten by the ticker; a
-- breach is a change of the flag itself, audited there).
CREATE TABLE "flag_guard_status" (
  "flag_key"     TEXT NOT NULL,
  "state"        TEXT,
  "detail"       TEXT NOT NULL,
  "evaluated_at" TIMESTAMPTZ(3) NOT NULL,
  "window_from"  TIMESTAMPTZ(3),
  "window_to"    TIMESTAMPTZ(3),
  "cells"        TEXT[] NOT NULL DEFAULT '{}',
  "results"      JSONB NOT NULL DEFAULT '[]',
  CONSTRAINT "flag_guard_status_pkey" PRIMARY KEY ("flag_key"),
  CONSTRAINT "flag_guard_status_flag_key_fkey" FOREIGN KEY ("flag_key") REFERENCES "feature_flags"("key") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Notifications about a flag (its guard held the ramp) carry the flag's key.
ALTER TABLE "deliveries" ADD COLUMN "flag_key" TEXT;
CREATE INDEX "deliveries_flag_key_idx" ON "deliveries"("flag_key");
