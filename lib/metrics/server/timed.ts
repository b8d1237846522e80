// Count and time an OFREP answer (endpoint: "single" or "bulk").
import { appMetrics } from "./registry";

export async function timedOfrep(endpoint: "single" | "bulk", answer: () => Promise<Response>): Promise<Response> {
  const m = appMetrics();
  const done = m.ofrepSeconds.startTimer({ endpoint });
  try {
    const res = await answer();
    m.ofrepEvaluations.inc({ endpoint, status: String(res.status) });
    return res;
  } catch (e) {
    m.ofrepEvaluations.inc({ endpoint, status: "500" });
    throw e;
  } finally {
    done();
  }
}
