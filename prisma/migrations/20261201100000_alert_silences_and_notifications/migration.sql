-- Silences of alerts (matchers, a time span, a reason; audited) and the state of alert
-- notifications per routing rule and issue type (what was last sent, so a group is announced once,
-- updated as cells join or leave, and resolved).
CREATE TABLE "silences" (
    "id" BIGSERIAL NOT NULL,
    "type" TEXT,
    "cells" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "service_id" TEXT,
    "severity" "AlertSeverity",
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "silences_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "silences_ends_at_idx" ON "silences"("ends_at");

CREATE TABLE "alert_notifications" (
    "route" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "cells" TEXT[] NOT NULL,
    "status" "AlertStatus" NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_notifications_pkey" PRIMARY KEY ("route", "type")
);
