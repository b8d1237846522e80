// Seeded randomness for the fleet simulator, so a run with the same --seed plays the same fleet.
// Pure: a `Random` is a function returning the next float in [0, 1).

export type Random = () => number;

/** FNV-1a, 32 bits: a stable hash of a string (cell ids → per-cell traits and poll phases). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for noise; the same seed gives the same sequence. */
export function seededRandom(seed: number | string): Random {
  let a = (typeof seed === "string" ? hashString(seed) : seed) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform float in [min, max). */
export const uniform = (rand: Random, min: number, max: number) => min + (max - min) * rand();

/**
 * A standard normal draw (Box–Muller) clipped to ±limit standard deviations: noise that looks
 * natural but has a hard bound, so a healthy baseline can be proven to stay healthy.
 */
export function boundedNormal(rand: Random, limit = 3): number {
  const u = 1 - rand(); // (0, 1]: log(0) never happens
  const v = rand();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(-limit, Math.min(limit, z));
}
