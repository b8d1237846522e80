-- API tokens may expire, and may be bound to cells. `cells` holds ids or globs (`smb-*`); an empty
-- list means the token may act for any cell (tokens created before this migration keep working
-- as they did). A token past `expires_at` is refused like a revoked one.
ALTER TABLE "api_tokens"
  ADD COLUMN "expires_at" TIMESTAMPTZ(3),
  ADD COLUMN "cells" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
