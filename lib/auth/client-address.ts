/**
 * The request header carrying the client's address to Next.js. The app server (scripts/serve.ts)
 * overwrites it on every request — from the socket, or from X-Forwarded-For behind a trusted proxy
 * (CELLPLANE_TRUST_PROXY=1) — so a client cannot choose it.
 */
export const CLIENT_ADDRESS_HEADER = "x-cellplane-client-address";
