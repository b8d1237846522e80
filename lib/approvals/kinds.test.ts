// The three adapters (release gates, migration steps, flag change requests) and the inbox built from their gates.
import { describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/roles";
import { newRelease, type ReleaseDoc } from "@/lib/rollouts/engine";
import { wavePlan as wave } from "@/lib/rollouts/test-fixtures";
import { newRun, start, tick, type RunState } from "@/lib/schema-migrations/machine";
import { CANARY, contractPhase, exampleText, expandPhase, migrationYaml, parseTestManifest, SCRIPTS } from "@/tests/support/yaml-fixtures";
import { buildInbox, type HomedCustomer } from "./gates";
import { flagChangeGates, migrationGates, releaseGates, releaseOwners } from "./kinds";

const T0 = new Date("2026-01-01T00:00:00Z");

/** A release by release@x waiting at its enterprise gate (planned one cell at a time). */
function atEnterpriseGate(): ReleaseDoc {
  const doc = newRelease(
    [
      wave("canary", ["canary-us-internal"]),
      wave("enterprise · enterprise-eu-standard", ["enterprise-eu-standard"], {
        group: "enterprise",
        parallel: false,
        requiresApproval: true,
        notify: "slack://ent",
      }),
      wave("enterprise · enterprise-us-hipaa", ["enterprise-us-hipaa"], { group: "enterprise", parallel: false }),
    ],
    { sms: "v2.5.0" },
    "release@x",
    T0,
  );
  doc.status = "awaiting_approval";
  doc.current = 1;
  doc.waves[0]!.state = "PASSED";
  doc.waves[1]!.state = "AWAITING_APPROVAL";
  doc.waves[1]!.since = "2026-01-01T05:00:00.000Z";
  return doc;
}

/** A migration started by release@x whose first step, on the enterprise cells, waits for approval. */
function migrationAtGate(phase: string, at: Date): RunState {
  const rollout = [{ cells: ["enterprise-*"], requiresApproval: true }, { cells: ["canary-*", "smb-*"] }];
  const spec = parseTestManifest(
    migrationYaml("m-1", [{ name: phase, type: "schema", script: SCRIPTS.contract, irreversible: phase !== "expand", rollout }], {
      description: "a gate",
    }),
  );
  return tick(start(newRun(spec), "release@x", T0, 1).state, { releases: {} }, at).state;
}

describe("release gates", () => {
  it("a release waiting at a one-at-a-time enterprise wave: one gate for the whole group", () => {
    const [gate, ...rest] = releaseGates({ id: "rel-1", title: "sms v2.5.0", doc: atEnterpriseGate() });
    expect(rest).toEqual([]);
    expect(gate).toEqual({
      key: "release:rel-1:1",
      kind: "release",
      subject: { id: "rel-1", title: "sms v2.5.0", href: "/releases/rel-1" },
      step: "wave enterprise (2 of 2), one cell at a time",
      change: "sms v2.5.0",
      cells: ["enterprise-eu-standard", "enterprise-us-hipaa"],
      requestedBy: "release@x",
      since: "2026-01-01T05:00:00.000Z",
      irreversible: false,
      confirm: null,
      notify: "slack://ent",
      partOf: null,
      ref: { kind: "release", id: "rel-1", wave: 1 },
    });
  });

  it("no gate while running, paused or finished", () => {
    const doc = atEnterpriseGate();
    for (const status of ["running", "paused", "aborted"] as const)
      expect(releaseGates({ id: "r", title: "t", doc: { ...doc, status } })).toEqual([]);
  });

  it("a release a migration phase started says so", () => {
    const run = migrationAtGate("expand", T0);
    run.doc.phases[0]!.releaseId = "rel-1";
    const owners = releaseOwners([{ doc: run.doc }]);
    expect(releaseGates({ id: "rel-1", title: "t", doc: atEnterpriseGate() }, owners.get("rel-1"))[0]!.partOf).toEqual({
      kind: "migration",
      id: "m-1",
      href: "/migrations/m-1",
      step: "phase expand",
    });
  });
});

describe("migration gates", () => {
  it("a step waiting for approval, dated when it began to wait", () => {
    const run = migrationAtGate("expand", new Date("2026-01-01T02:00:00Z"));
    expect(run.doc.status).toBe("awaiting_approval");
    const [gate] = migrationGates({ doc: run.doc, updatedAt: new Date("2026-01-02T00:00:00Z") });
    expect(gate).toMatchObject({
      key: "migration:m-1:0:0",
      kind: "migration",
      subject: { id: "m-1", title: "m-1 — a gate", href: "/migrations/m-1" },
      step: "phase expand (1 of 1), step 1 of 2: enterprise-*",
      change: "expand: migrations/001_drop_to_phone.sql",
      cells: ["enterprise-eu-standard", "enterprise-us-hipaa"],
      requestedBy: "release@x",
      since: "2026-01-01T02:00:00.000Z",
      irreversible: false,
      confirm: null,
      ref: { kind: "migration", id: "m-1", phase: 0, step: 0 },
    });
  });

  it("the point of no return on enterprise cells asks for the migration id typed", () => {
    const [gate] = migrationGates({ doc: migrationAtGate("drop-legacy", T0).doc, updatedAt: T0 });
    expect(gate).toMatchObject({ irreversible: true, confirm: "m-1" });
  });

  it("a run stored before steps kept their waiting time is dated by its last update", () => {
    const run = migrationAtGate("expand", T0);
    delete run.doc.phases[0]!.steps[0]!.awaitingSince;
    expect(migrationGates({ doc: run.doc, updatedAt: new Date("2026-01-03T00:00:00Z") })[0]!.since).toBe("2026-01-03T00:00:00.000Z");
  });

  it("cells advance on their own, so steps of two phases may wait at once: one gate each", () => {
    const run = parseTestManifest(
      migrationYaml("m-2", [
        expandPhase([{ cells: [CANARY] }, { cells: ["smb-*", "enterprise-*"], requiresApproval: true }]),
        contractPhase([{ cells: [CANARY], requiresApproval: true }, { cells: ["smb-*", "enterprise-*"] }]),
      ]),
    );
    let s = tick(start(newRun(run), "release@x", T0, 1).state, { releases: {} }, T0).state;
    s.cells["canary-us-internal"]!.expand!.status = "complete";
    s = tick(tick(s, { releases: {} }, T0).state, { releases: {} }, T0).state;
    expect(migrationGates({ doc: s.doc, updatedAt: T0 }).map((g) => g.key)).toEqual(["migration:m-2:0:1", "migration:m-2:1:0"]);
  });

  it("no gate while the run is running or ready", () => {
    const ready = newRun(parseTestManifest(exampleText("migration-manifest.sql.yaml")));
    expect(migrationGates({ doc: ready.doc, updatedAt: T0 })).toEqual([]);
  });
});

describe("the inbox", () => {
  const viewer = (email: string, role: Principal["role"]): Principal => ({ id: email, email, name: email, role });
  const customers: HomedCustomer[] = [
    { id: "c-1", name: "Mercy General Hospital", plan: "enterprise", cell: "enterprise-us-hipaa", tier: "enterprise" },
    { id: "c-2", name: "Acme", plan: "pro", cell: "smb-us-1", tier: "smb" },
    { id: "c-3", name: "Initech", plan: "pro", cell: "enterprise-eu-standard", tier: "enterprise" },
  ];
  const release = releaseGates({ id: "rel-1", title: "sms", doc: atEnterpriseGate() })[0]!;
  const migration = migrationGates({ doc: migrationAtGate("expand", new Date("2026-01-01T01:00:00Z")).doc, updatedAt: T0 })[0]!;

  it("oldest first, with the enterprise customers of each gate's cells", () => {
    const inbox = buildInbox([release, migration], customers, viewer("release2@x", "RELEASE_MANAGER"), T0);
    expect(inbox.gates.map((g) => g.key)).toEqual(["migration:m-1:0:0", "release:rel-1:1"]);
    expect(inbox.gates[0]!.customers).toEqual({
      total: 2,
      enterprise: [
        { id: "c-3", name: "Initech", cell: "enterprise-eu-standard" },
        { id: "c-1", name: "Mercy General Hospital", cell: "enterprise-us-hipaa" },
      ],
    });
    expect(inbox).toMatchObject({ generatedAt: T0.toISOString(), waiting: 2, yours: 2 });
    expect(inbox.gates.every((g) => g.decidable && g.whyNot === null)).toBe(true);
    expect(inbox.gates[1]!.excluded).toBe("release@x (started this release)");
  });

  it("the requester sees every gate, decides none, and is told why", () => {
    const inbox = buildInbox([release, migration], customers, viewer("release@x", "RELEASE_MANAGER"), T0);
    expect(inbox).toMatchObject({ waiting: 2, yours: 0 });
    expect(inbox.gates.map((g) => g.whyNot)).toEqual([
      "Four-eyes: you started this migration, so another release manager must decide this step.",
      "Four-eyes: you started this release, so another release manager must decide this gate.",
    ]);
  });

  it("a viewer is told their role does not decide gates", () => {
    const inbox = buildInbox([release], [], viewer("v@x", "VIEWER"), T0);
    expect(inbox.gates[0]).toMatchObject({
      decidable: false,
      whyNot: "Only release managers and admins decide release gates (you are VIEWER).",
    });
  });
});

describe("flag change requests", () => {
  const viewer = (email: string, role: Principal["role"]): Principal => ({ id: email, email, name: email, role });
  const cells = [
    { id: "smb-eu-1", tier: "smb", region: "eu-west-1" },
    { id: "smb-us-1", tier: "smb", region: "us-east-1" },
    { id: "enterprise-us-hipaa", tier: "enterprise", region: "us-east-1" },
  ];
  const base = { enabled: true, rolloutPercentage: 25, targeting: { tiers: [], cells: [], regions: [] }, protected: true };
  const request = {
    id: "7",
    flagKey: "videoBackgroundBlur",
    baseVersion: 3,
    currentVersion: 3,
    action: "percentage",
    patch: { rolloutPercentage: 40 },
    before: base,
    after: { ...base, rolloutPercentage: 40, targeting: { tiers: [], cells: [], regions: ["us-east-1"] } },
    status: "pending" as const,
    requestedBy: "product@x",
    requestedAt: new Date("2026-01-01T02:00:00Z"),
    requestComment: "CPU fixed in v3.1",
    decidedBy: null,
    decidedAt: null,
    decisionComment: null,
  };

  it("a pending request is a gate: its diff, the cells the proposed targeting reaches, who asked", () => {
    const [gate] = flagChangeGates(request, cells);
    expect(gate).toMatchObject({
      key: "flag:7",
      kind: "flag",
      subject: { id: "videoBackgroundBlur", href: "/flags/videoBackgroundBlur#change-request-7" },
      step: "change request #7 (percentage): “CPU fixed in v3.1”",
      change: "rolloutPercentage 25% → 40%; targeting everyone → regions us-east-1",
      cells: ["smb-us-1", "enterprise-us-hipaa"],
      requestedBy: "product@x",
      since: "2026-01-01T02:00:00.000Z",
      ref: { kind: "flag", id: "7" },
      diff: [
        { field: "rolloutPercentage", before: "25%", after: "40%" },
        { field: "targeting", before: "everyone", after: "regions us-east-1" },
      ],
    });
    expect(gate!.stale).toBeUndefined();
    expect(flagChangeGates({ ...request, currentVersion: 4 }, cells)[0]!.stale).toMatch(/^Stale: .*version 3 → 4/);
    expect(flagChangeGates({ ...request, status: "approved" }, cells)).toEqual([]);
  });

  it("product owners and admins decide it, never its requester; release managers are told why not", () => {
    const gates = flagChangeGates(request, cells);
    expect(buildInbox(gates, [], viewer("product2@x", "PRODUCT_OWNER"), T0)).toMatchObject({ yours: 1, gates: [{ decidable: true }] });
    expect(buildInbox(gates, [], viewer("admin@x", "ADMIN"), T0)).toMatchObject({ yours: 1 });
    expect(buildInbox(gates, [], viewer("product@x", "PRODUCT_OWNER"), T0).gates[0]).toMatchObject({
      decidable: false,
      whyNot: "Four-eyes: you requested this flag change, so another product owner or an admin must decide this request.",
      excluded: "product@x (requested this flag change)",
    });
    expect(buildInbox(gates, [], viewer("release2@x", "RELEASE_MANAGER"), T0).gates[0]).toMatchObject({
      decidable: false,
      whyNot: "Only product owners and admins decide flag change requests (you are RELEASE_MANAGER).",
    });
  });
});
