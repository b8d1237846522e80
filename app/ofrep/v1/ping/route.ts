// A trivial route beside OFREP on the same server: the baseline of `npm run bench:flags`'s load test
// (and a cheap liveness check for evaluation clients). No database, no authentication.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ ok: true });
}
