-- Sign-in throttling moves to rate-limiter-flexible's PostgreSQL store: one atomic upsert per
-- decision, keys per client address and per account + address (never per account alone).
DROP TABLE "login_attempts";

CREATE TABLE "login_throttle" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "login_throttle_pkey" PRIMARY KEY ("key")
);
