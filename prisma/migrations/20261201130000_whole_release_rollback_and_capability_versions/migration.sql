-- "Roll back the whole release": a finished release whose kept waves are being set back to their
-- previous versions is `rolling_back` until every cell reports them.
ALTER TYPE "ReleaseStatus" ADD VALUE IF NOT EXISTS 'rolling_back' BEFORE 'succeeded';

-- Readiness from current versions: the service version a cell ran when it last reported each API
-- version. A cell serves an API version while the version it runs now is the one that reported it
-- (a rolled-back cell stops counting at once, not after the 15-minute window).
ALTER TABLE api_capabilities ADD COLUMN reported_version text;
