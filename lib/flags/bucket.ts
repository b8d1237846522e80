// Sticky percentage buckets, identical to Unleash's flexible rollout so that teams moving from
// Unleash keep their customers' buckets: murmurhash3 x86 32-bit of "<groupId>:<userId>", seed 0,
// mod 100, plus 1 — a number from 1 to 100. A customer is in a rollout of p% when
// p > 0 and bucket <= p, so raising the percentage only ever adds customers.
import murmurhash3 from "murmurhash3js";

const hash32 = murmurhash3.x86.hash32;

export function bucketOf(salt: string, customerId: string): number {
  return (hash32(`${salt}:${customerId}`, 0) % 100) + 1;
}

export const inRollout = (bucket: number, percentage: number) => percentage > 0 && bucket <= percentage;
