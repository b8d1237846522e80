import { normalizedStrategyValue } from "unleash-client/lib/strategy/util";
import { describe, expect, it } from "vitest";
import { bucketOf, inRollout } from "./bucket";

// [salt (Unleash groupId), customer id (userId), bucket]. The first two are unleash-client's own
// test vectors; the rest were computed with unleash-client and are re-checked against it below.
const VECTORS: [string, string, number][] = [
  ["gr1", "123", 73],
  ["groupX", "999", 25],
  ["newVoiceCodec", "enterprise-customer-123", 11],
  ["newVoiceCodec", "smb-customer-1003", 71],
  ["newVoiceCodec", "beta-customer-1000", 98],
  ["f1", "123", 52],
  ["f1", "user-1", 49],
  ["groupA", "999", 28],
  ["", "x", 74],
  ["whatsappRichMedia", "smb-customer-1040", 19],
  ["salt with space", "ümlaut-ø", 18],
  ["videoBackgroundBlur", "enterprise-customer-1063", 79],
];

describe("bucketOf: Unleash-compatible sticky buckets", () => {
  it.each(VECTORS)("salt %j, customer %j → bucket %i", (salt, id, bucket) => {
    expect(bucketOf(salt, id)).toBe(bucket);
    expect(normalizedStrategyValue(id, salt)).toBe(bucket);
  });

  it("agrees with unleash-client for 20,000 generated ids and several salts", () => {
    for (const salt of ["newVoiceCodec", "a", "checkout.v2"]) {
      for (let i = 0; i < 20_000; i += 3) {
        const id = `customer-${i}`;
        expect(bucketOf(salt, id)).toBe(normalizedStrategyValue(id, salt));
      }
    }
  });

  it("is always 1..100", () => {
    for (let i = 0; i < 10_000; i++) {
      const b = bucketOf("range", String(i));
      expect(b).toBeGreaterThanOrEqual(1);
      expect(b).toBeLessThanOrEqual(100);
    }
  });

  it.each([
    [1, 0, false],
    [1, 1, true],
    [50, 49, false],
    [50, 50, true],
    [100, 100, true],
    [100, 99, false],
  ])("bucket %i at %i percent → in: %s", (bucket, pct, expected) => {
    expect(inRollout(bucket, pct)).toBe(expected);
  });
});

describe("percentages over 100,000 ids", () => {
  const buckets = Array.from({ length: 100_000 }, (_, i) => bucketOf("distribution", `cust-${i}`));

  it.each([1, 5, 10, 25, 50, 75, 90, 99])("%i percent puts the share within ±1 point", (pct) => {
    const share = (buckets.filter((b) => inRollout(b, pct)).length / buckets.length) * 100;
    expect(Math.abs(share - pct)).toBeLessThanOrEqual(1);
  });

  it("0% has nobody and 100% everybody", () => {
    expect(buckets.filter((b) => inRollout(b, 0))).toHaveLength(0);
    expect(buckets.filter((b) => inRollout(b, 100))).toHaveLength(buckets.length);
  });

  it("raising the percentage only ever adds customers (a monotonic ramp)", () => {
    let lost = 0,
      previous = 0;
    for (let pct = 1; pct <= 100; pct++) {
      let size = 0;
      for (const b of buckets) {
        const now = inRollout(b, pct);
        if (inRollout(b, pct - 1) && !now) lost++;
        if (now) size++;
      }
      expect(size).toBeGreaterThanOrEqual(previous);
      previous = size;
    }
    expect(lost).toBe(0);
  });
});
