// A larger fleet for scale tests (`simulate --cells N`), in realistic proportions: about one canary
// per 50 cells, three quarters SMB, the rest enterprise, spread over the example regions with more
// cells where there are more customers. Deterministic: the same N gives the same fleet. Pure.
import type { CellSpec, FleetSpec, Tier } from "@/lib/fleet/fleet-yaml";

export const DEFAULT_SERVICES = ["sms", "voice", "video", "whatsapp", "email"];

/** The regions of examples/fleet.yaml and their share of cells. */
export const REGION_WEIGHTS: [string, number][] = [
  ["us-east-1", 0.22],
  ["us-west-2", 0.14],
  ["us-east-2", 0.12],
  ["eu-west-1", 0.16],
  ["eu-central-1", 0.12],
  ["ap-southeast-1", 0.09],
  ["ap-northeast-1", 0.08],
  ["ap-southeast-2", 0.07],
];

export function tierCounts(n: number): Record<Tier, number> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError("the fleet needs at least one cell");
  const canary = Math.max(1, Math.round(n / 50));
  const smb = Math.min(n - canary, Math.round(n * 0.75));
  return { canary, smb, enterprise: n - canary - smb };
}

/** Largest-remainder split of `total` by weight (ties to the earlier, larger region). */
export function splitByWeight(total: number, weights: [string, number][]): Map<string, number> {
  const sum = weights.reduce((a, [, w]) => a + w, 0);
  const exact = weights.map(([k, w]) => ({ k, q: (total * w) / sum }));
  const out = new Map(exact.map((e) => [e.k, Math.floor(e.q)]));
  let left = total - [...out.values()].reduce((a, b) => a + b, 0);
  const byRemainder = [...exact].sort((a, b) => b.q - Math.floor(b.q) - (a.q - Math.floor(a.q)));
  for (const e of byRemainder) {
    if (left-- <= 0) break;
    out.set(e.k, out.get(e.k)! + 1);
  }
  return out;
}

/** Interleave regions in proportion (smooth weighted round robin), so numbering mixes regions. */
function interleave(counts: Map<string, number>): string[] {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const current = new Map([...counts.keys()].map((k) => [k, 0]));
  const left = new Map(counts);
  const out: string[] = [];
  for (let i = 0; i < total; i++) {
    let best: string | undefined;
    for (const [k, c] of counts) {
      if (!left.get(k)) continue;
      current.set(k, current.get(k)! + c);
      if (best === undefined || current.get(k)! > current.get(best)!) best = k;
    }
    current.set(best!, current.get(best!)! - total);
    left.set(best!, left.get(best!)! - 1);
    out.push(best!);
  }
  return out;
}

const geo = (region: string) => region.split("-")[0] ?? "xx";

export function generateFleet(n: number, services: string[] = DEFAULT_SERVICES): FleetSpec {
  const counts = tierCounts(n);
  const cells: CellSpec[] = [];
  for (const tier of ["canary", "smb", "enterprise"] as const) {
    const numbering = new Map<string, number>();
    for (const region of interleave(splitByWeight(counts[tier], REGION_WEIGHTS))) {
      const g = geo(region);
      const k = (numbering.get(g) ?? 0) + 1;
      numbering.set(g, k);
      const compliance = tier !== "enterprise" ? [] : g === "eu" ? ["gdpr"] : g === "us" && k % 3 === 1 ? ["hipaa"] : [];
      cells.push({ id: `${tier}-${g}-${k}`, tier, region, compliance });
    }
  }
  return { services: [...services], cells };
}
