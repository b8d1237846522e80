import { describe, expect, it } from "vitest";
import {
  addPending,
  addToSlot,
  mergePairUpdates,
  type PairUpdate,
  PendingSlot,
  type PendingState,
  pairUpdates,
  setSlot,
  slotPending,
} from "./current-state";
import type { Sample } from "./telemetry";
import { DEFAULT_THRESHOLDS as T } from "./thresholds";

const at = (m: number) => new Date(Date.UTC(2026, 10, 26, 12, m));
const s = (m: number, errorRate = 0, o: Partial<Sample> = {}): Sample => ({
  cell: "c1",
  service: "sms",
  ts: at(m),
  errorRate,
  p99Ms: 100,
  cpu: 0.1,
  rps: 1,
  ...o,
});

describe("pairUpdates", () => {
  it.each([
    ["all green", [s(0), s(1)], { status: "green", statusRunStart: at(0), statusRunWhole: true, errorBreachStart: null }],
    [
      "turns red mid-batch",
      [s(0), s(1, 0.05), s(2, 0.05)],
      { status: "red", statusRunStart: at(1), statusRunWhole: false, errorBreachStart: at(1), errorBreachWhole: false },
    ],
    ["red throughout", [s(0, 0.05), s(1, 0.05)], { status: "red", statusRunWhole: true, errorBreachStart: at(0), errorBreachWhole: true }],
    ["recovers", [s(0, 0.05), s(1)], { status: "green", statusRunStart: at(1), errorBreachStart: null }],
    ["out of order input is sorted", [s(2, 0.05), s(0), s(1, 0.05)], { status: "red", statusRunStart: at(1), errorBreachStart: at(1) }],
    // One sample per pair (the usual batch) takes a shorter path to the same answers.
    [
      "one green sample",
      [s(0)],
      {
        status: "green",
        statusRunStart: at(0),
        statusRunWhole: true,
        errorBreachStart: null,
        errorBreachWhole: false,
        latencyBreachStart: null,
        latencyBreachWhole: false,
      },
    ],
    [
      "one yellow sample",
      [s(0, 0.002)],
      { status: "yellow", statusRunStart: at(0), statusRunWhole: true, errorBreachStart: null, errorBreachWhole: false },
    ],
    [
      "one sample red by errors",
      [s(0, 0.05)],
      {
        status: "red",
        statusRunStart: at(0),
        statusRunWhole: true,
        errorBreachStart: at(0),
        errorBreachWhole: true,
        latencyBreachStart: null,
      },
    ],
    [
      "one sample red by latency",
      [s(0, 0, { p99Ms: 1500 })],
      { status: "red", errorBreachStart: null, latencyBreachStart: at(0), latencyBreachWhole: true },
    ],
    [
      "one sample with versions",
      [s(3, 0, { version: "v2", apiVersions: ["v2", "v1", "v2"] })],
      { version: { value: "v2", ts: at(3) }, apiVersions: { values: ["v1", "v2"], ts: at(3) } },
    ],
    ["one sample without versions", [s(3)], { version: undefined, apiVersions: undefined }],
  ] as [string, Sample[], object][])("%s", (_n, samples, want) => {
    expect(pairUpdates(samples, T)[0]).toMatchObject(want);
  });

  it("gives every pair of a batch the same update whichever path it takes", () => {
    // Unique pairs take the one-pass path; one repeated pair sends the whole batch through grouping.
    const batch = [
      s(1, 0.05, { cell: "b" }),
      s(2, 0, { cell: "a", p99Ms: 2_000 }),
      s(3, 0.002, { cell: "c", version: "v3", apiVersions: ["v2", "v1"] }),
    ];
    const grouped = pairUpdates([...batch, s(0, 0, { cell: "z" }), s(1, 0, { cell: "z" })], T);
    expect(pairUpdates(batch, T)).toEqual(grouped.filter((x) => x.cell !== "z"));
    expect(pairUpdates(batch, T, "batch").map((x) => x.cell)).toEqual(["b", "a", "c"]);
  });

  it("keeps the latest version and API versions and orders pairs for locking", () => {
    const u = pairUpdates(
      [
        s(0, 0, { cell: "b", version: "v1", apiVersions: ["v2", "v1", "v2"] }),
        s(1, 0, { cell: "b", version: "v2" }),
        s(0, 0, { cell: "a", service: "voice" }),
        s(0, 0, { cell: "a", service: "email" }),
      ],
      T,
    );
    expect(u.map((x) => `${x.cell}/${x.service}`)).toEqual(["a/email", "a/voice", "b/sms"]);
    expect(u[2]!.version).toEqual({ value: "v2", ts: at(1) });
    expect(u[2]!.apiVersions).toEqual({ values: ["v1", "v2"], ts: at(0), reportedBy: "v1" });
    expect(u[0]!.version).toBeUndefined();
  });
});

describe("mergePairUpdates", () => {
  // The stored row and what the ingest statement's UPDATE does to it (ingest.ts, state-buffer.ts).
  interface Row {
    last: number;
    status: string;
    since: number;
    eb: number | null;
    lb: number | null;
  }
  const apply = (h: Row, u: PairUpdate): Row => {
    if (!(h.last < u.last.ts.getTime())) return h;
    const breach = (cur: number | null, start: Date | null, whole: boolean) =>
      start === null ? null : whole ? (cur ?? start.getTime()) : start.getTime();
    return {
      last: u.last.ts.getTime(),
      status: u.status,
      since: u.statusRunWhole && h.status === u.status ? h.since : u.statusRunStart.getTime(),
      eb: breach(h.eb, u.errorBreachStart, u.errorBreachWhole),
      lb: breach(h.lb, u.latencyBreachStart, u.latencyBreachWhole),
    };
  };
  /** What the flush statement does with a pending state (state-buffer.ts). */
  const write = (h: Row, p: PendingState): Row => apply(h, h.last < p.from ? p.merged : p.newest);
  // A small deterministic generator: every split of runs of green / yellow / red readings.
  const reading = (m: number, kind: number): Sample =>
    s(m, kind === 2 ? 0.05 : kind === 1 ? 0.001 : 0, kind === 3 ? { p99Ms: 2_000 } : kind === 4 ? { p99Ms: 2_000, errorRate: 0.05 } : {});
  const stored: Row[] = [
    { last: at(-1).getTime(), status: "green", since: at(-10).getTime(), eb: null, lb: null },
    { last: at(-1).getTime(), status: "red", since: at(-10).getTime(), eb: at(-10).getTime(), lb: null },
    { last: at(-1).getTime(), status: "red", since: at(-5).getTime(), eb: null, lb: at(-5).getTime() },
    { last: at(3).getTime(), status: "yellow", since: at(2).getTime(), eb: null, lb: null }, // newer than some readings
  ];

  it("writing the merged update equals writing both in turn, for every split of mixed batches", () => {
    let cases = 0;
    for (let seed = 0; seed < 400; seed++) {
      let x = seed * 7919 + 13;
      const rnd = (n: number) => {
        x = (x * 48_271) % 2_147_483_647; // Park–Miller
        return x % n;
      };
      const first = Array.from({ length: 1 + rnd(3) }, (_, i) => reading(i * 2 + rnd(2), rnd(5)));
      const second = Array.from({ length: 1 + rnd(3) }, (_, i) => reading(rnd(2) ? i * 2 + 5 : i, rnd(5)));
      const [p] = pairUpdates(first, T),
        [n] = pairUpdates(second, T);
      for (const h of stored) {
        expect(write(h, addPending(addPending(undefined, p!), n!)), `seed ${seed}`).toEqual(apply(apply(h, p!), n!));
        cases++;
      }
    }
    expect(cases).toBe(1_600);
  });

  it("merges any number of updates exactly when the stored row is older than all of them", () => {
    for (let seed = 0; seed < 200; seed++) {
      let x = seed * 104_729 + 7;
      const rnd = (n: number) => {
        x = (x * 48_271) % 2_147_483_647;
        return x % n;
      };
      const batches = Array.from({ length: 2 + rnd(4) }, (_, k) => pairUpdates([reading(k * 3 + rnd(3), rnd(5))], T)[0]!);
      const h = stored[rnd(3)]!;
      const pending = batches.reduce<PendingState | undefined>((p, u) => addPending(p, u), undefined)!;
      expect(write(h, pending), `seed ${seed}`).toEqual(batches.reduce(apply, h));
    }
  });

  it("a slot holds what addPending gives, for every split of mixed batches, and round-trips through slotPending", () => {
    // What the flush reads of a pending state: the newest reading and status, `from`, both runs.
    const view = (p: PendingState) => ({
      from: p.from,
      ts: p.newest.last.ts.getTime(),
      reading: [p.newest.last.errorRate, p.newest.last.p99Ms, p.newest.last.cpu, p.newest.last.rps],
      status: p.newest.status,
      runs: [p.merged, p.newest].map((u) => [
        u.statusRunStart.getTime(),
        u.statusRunWhole,
        u.errorBreachStart?.getTime() ?? null,
        u.errorBreachWhole,
        u.latencyBreachStart?.getTime() ?? null,
        u.latencyBreachWhole,
      ]),
    });
    let cases = 0;
    for (let seed = 0; seed < 300; seed++) {
      let x = seed * 7_727 + 3;
      const rnd = (n: number) => {
        x = (x * 48_271) % 2_147_483_647;
        return x % n;
      };
      const updates = Array.from(
        { length: 1 + rnd(5) },
        (_, k) =>
          pairUpdates(
            Array.from({ length: 1 + rnd(3) }, (_, i) => reading(k * 2 + i * rnd(2), rnd(5))),
            T,
          )[0]!,
      );
      const slot = new PendingSlot("c1", "sms");
      let pending: PendingState | undefined;
      for (const u of updates) {
        addToSlot(slot, u);
        pending = addPending(pending, u);
        expect(view(slotPending(slot)), `seed ${seed}`).toEqual(view(pending));
        const copy = new PendingSlot("c1", "sms");
        setSlot(copy, pending);
        expect({ ...copy, idle: 0 }).toEqual({ ...slot, idle: 0 });
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(600);
  });

  it("keeps the newer reading when an older one arrives later", () => {
    const [newer] = pairUpdates([s(5, 0.05)], T);
    const [older] = pairUpdates([s(4)], T);
    expect(mergePairUpdates(newer!, older!)).toBe(newer);
    expect(mergePairUpdates(newer!, newer!)).toBe(newer);
  });
});
