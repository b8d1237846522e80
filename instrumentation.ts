// Starts the background ticker inside the Node.js server process (never in the edge runtime or
// during the build). Only the instance holding the PostgreSQL advisory lock acts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerTicker } = await import("@/lib/worker/server/start");
  await startServerTicker();
}
