-- Feature flags: the kill switch, a sticky percentage rollout set by hand or by a schedule of
-- steps, an allowlist of customers, and targeting by the tier / cell / region of a customer's home
-- cell. `version` makes concurrent edits optimistic: every change bumps it.

CREATE TABLE "feature_flags" (
    "key"                TEXT     NOT NULL,
    "description"        TEXT     NOT NULL DEFAULT '',
    "owner"              TEXT     NOT NULL DEFAULT '',
    "enabled"            BOOLEAN  NOT NULL DEFAULT false,
    "rollout_percentage" INTEGER  NOT NULL DEFAULT 0,
    "percentage_set_at"  TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "allowlist"          TEXT[]   NOT NULL DEFAULT ARRAY[]::TEXT[],
    "salt"               TEXT     NOT NULL,
    "target_tiers"       "Tier"[] NOT NULL DEFAULT ARRAY[]::"Tier"[],
    "target_cells"       TEXT[]   NOT NULL DEFAULT ARRAY[]::TEXT[],
    "target_regions"     TEXT[]   NOT NULL DEFAULT ARRAY[]::TEXT[],
    "version"            INTEGER  NOT NULL DEFAULT 1,
    "created_at"         TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at"         TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "feature_flags_pkey" PRIMARY KEY ("key"),
    CONSTRAINT "feature_flags_key_format" CHECK ("key" ~ '^[a-zA-Z][a-zA-Z0-9_.-]*$' AND length("key") <= 100),
    CONSTRAINT "feature_flags_rollout_percentage_range" CHECK ("rollout_percentage" BETWEEN 0 AND 100),
    CONSTRAINT "feature_flags_salt_not_empty" CHECK ("salt" <> ''),
    CONSTRAINT "feature_flags_version_positive" CHECK ("version" >= 1)
);

-- The schedule: at each step's time the rollout percentage becomes the step's (no background job;
-- evaluation reads the last step at or before now).
CREATE TABLE "flag_schedule_steps" (
    "flag_key"   TEXT    NOT NULL,
    "at"         TIMESTAMPTZ(3) NOT NULL,
    "percentage" INTEGER NOT NULL,
    CONSTRAINT "flag_schedule_steps_pkey" PRIMARY KEY ("flag_key", "at"),
    CONSTRAINT "flag_schedule_steps_flag_key_fkey" FOREIGN KEY ("flag_key") REFERENCES "feature_flags"("key") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "flag_schedule_steps_percentage_range" CHECK ("percentage" BETWEEN 0 AND 100)
);
