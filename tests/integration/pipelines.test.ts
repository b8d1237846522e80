import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited, withAudit } from "@/lib/audit/server/record";
import { parsePipelineYaml } from "@/lib/rollouts/pipeline-yaml";
import { getPipeline, listPipelines, pipelineFleet, savePipeline } from "@/lib/rollouts/server/pipeline-store";
import { planWaves } from "@/lib/rollouts/plan";
import { PIPELINES_MARKER, seedPipelines } from "@/lib/rollouts/server/seed";
import { cliOnSeededDatabase } from "../support/cli";
import { type SeededDatabase, seededDatabase } from "../support/seeded-db";

const standard = fs.readFileSync("examples/standard-pipeline.yaml", "utf8");
const runbook = fs.readFileSync("examples/deployment-pipeline.yaml", "utf8");

describe("pipeline storage", () => {
  let t: SeededDatabase;
  beforeAll(async () => {
    t = await seededDatabase("pipelines", { password: "cellplane" });
  });
  afterAll(() => t.drop());

  const audits = (id: string) =>
    t.prisma.auditEvent.findMany({ where: { action: "pipeline.import", targetType: "pipeline", targetId: id }, orderBy: { id: "asc" } });

  it("creates, then replaces with a new version; each save writes its audit event with the spec before and after", async () => {
    const fleet = await pipelineFleet(t.prisma);
    const first = parsePipelineYaml(standard, fleet, { id: "store-a" });
    expect(await audited(t.prisma, "alice@example.com", (tx) => savePipeline(tx, first, standard, "alice@example.com"))).toEqual({
      created: true,
      version: 1,
    });

    const edited = standard.replace("bake: 45m", "bake: 1h");
    const second = parsePipelineYaml(edited, fleet, { id: "store-a" });
    expect(await audited(t.prisma, "bob@example.com", (tx) => savePipeline(tx, second, edited, "bob@example.com"))).toEqual({
      created: false,
      version: 2,
    });

    const stored = await getPipeline(t.prisma, "store-a");
    expect(stored).toMatchObject({
      id: "store-a",
      name: "Standard wave rollout",
      format: "native",
      source: edited,
      version: 2,
      updatedBy: "bob@example.com",
    });
    expect(stored!.spec).toEqual(second.spec);
    expect(stored!.spec.waves[0]!.bakeMs).toBe(3_600_000);

    const events = await audits("store-a");
    expect(events.map((e) => [e.actor, e.before === null, (e.after as { waves: { bakeMs: number }[] }).waves[0]!.bakeMs])).toEqual([
      ["alice@example.com", true, 2_700_000],
      ["bob@example.com", false, 3_600_000],
    ]);
    expect(events[1]!.before).toEqual(first.spec);
  });

  it("saves nothing, not even the audit event, when the surrounding transaction fails", async () => {
    const parsed = parsePipelineYaml(standard, await pipelineFleet(t.prisma), { id: "store-rolled-back" });
    await expect(
      t.prisma.$transaction(async (tx) => {
        await withAudit(tx, "alice@example.com", (tx) => savePipeline(tx, parsed, standard, "alice@example.com"));
        throw new Error("later step failed");
      }),
    ).rejects.toThrow("later step failed");
    expect(await getPipeline(t.prisma, "store-rolled-back")).toBeNull();
    expect(await audits("store-rolled-back")).toEqual([]);
  });

  it("serialises concurrent saves of one id: one creates, the other replaces, versions 1 and 2", async () => {
    const fleet = await pipelineFleet(t.prisma);
    const a = parsePipelineYaml(standard, fleet, { id: "store-race" });
    const b = parsePipelineYaml(runbook, fleet, { id: "store-race" });
    const results = await Promise.all([
      audited(t.prisma, "a@example.com", (tx) => savePipeline(tx, a, standard, "a@example.com")),
      audited(t.prisma, "b@example.com", (tx) => savePipeline(tx, b, runbook, "b@example.com")),
    ]);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect(results.map((r) => r.version).sort()).toEqual([1, 2]);
    expect((await getPipeline(t.prisma, "store-race"))!.version).toBe(2);
    expect(await audits("store-race")).toHaveLength(2);
  });

  it("seeds the standard pipeline and the runbook once, even when two starts race", async () => {
    const results = await Promise.all([seedPipelines(t.prisma), seedPipelines(t.prisma)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await seedPipelines(t.prisma)).toBe(false);
    expect(await t.prisma.systemMarker.findUnique({ where: { key: PIPELINES_MARKER } })).not.toBeNull();

    const all = await listPipelines(t.prisma);
    expect(all.filter((p) => ["standard", "runbook"].includes(p.id)).map((p) => [p.id, p.format, p.version, p.updatedBy])).toEqual([
      ["runbook", "state-machine", 1, "system:seed"],
      ["standard", "native", 1, "system:seed"],
    ]);
    const std = all.find((p) => p.id === "standard")!;
    expect(std.source).toBe(standard);
    expect(std.spec.waves.map((w) => w.name)).toEqual(["canary", "smb-wave-1", "smb-wave-2", "enterprise"]);
    expect(std.spec.waves[3]).toMatchObject({
      parallel: false,
      requiresApproval: true,
      notify: "slack://enterprise-releases",
      maintenanceWindow: false,
    });

    const plan = planWaves(std.spec, await pipelineFleet(t.prisma));
    expect(plan.find((w) => w.group === "smb-wave-1")!.cells).toHaveLength(3);
    expect(plan.find((w) => w.group === "smb-wave-2")!.cells).toHaveLength(9);
    expect(plan.filter((w) => w.group === "enterprise").map((w) => w.requiresApproval)).toEqual([true, false, false]);
  });
});

describe("npx cellplane … pipeline", () => {
  const { db, tmp, cli } = cliOnSeededDatabase("pipelines_cli", { password: "cellplane" });
  const count = () => db().count("pipelines");

  it("import: a broken file names every line and field, exits 1 and writes nothing", async () => {
    const bad = path.join(tmp, "broken.yaml");
    fs.writeFileSync(
      bad,
      runbook.replace("next: ValidateCanary", "next: ValidateCanry").replace("smb-eu-1]  # 25% of SMB", "smb-xx-1]  # 25% of SMB"),
    );
    const r = await cli(["import", "pipeline", bad]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:7: states.DeployToCanary.next: unknown state "ValidateCanry"`);
    expect(r.err).toContain(`${bad}:23: states.DeployToSMBWave1.cells[2]: unknown cell "smb-xx-1" (not in the fleet)`);
    expect(r.err).toContain("Nothing was changed.");
    expect(await count()).toBe(0);
    expect(await db().query("SELECT 1 FROM audit_events WHERE action = 'pipeline.import'")).toEqual([]);

    const badId = await cli(["import", "pipeline", "examples/standard-pipeline.yaml", "--id", "Bad_Id"]);
    expect(badId.code).toBe(1);
    expect(badId.err).toContain('examples/standard-pipeline.yaml: id: "Bad_Id" must match');
    expect(await count()).toBe(0);
  });

  it("import, list and export: the runbook goes in as written and comes out in the native form that reads back the same", async () => {
    const a = await cli(["import", "pipeline", "examples/deployment-pipeline.yaml", "--id", "runbook"]);
    expect(a.code, a.err).toBe(0);
    expect(a.out).toContain("Created pipeline runbook (state-machine form, 4 waves), version 1.");
    expect(a.out).toContain("canary 45m → smb-wave-1 4h → smb-wave-2 8h → enterprise one at a time 1d each");
    const again = await cli(["import", "pipeline", "examples/deployment-pipeline.yaml", "--id", "runbook"]);
    expect(again.out).toContain("Updated pipeline runbook (state-machine form, 4 waves), version 2.");
    expect((await cli(["import", "pipeline", "examples/standard-pipeline.yaml"])).code).toBe(0);

    const list = await cli(["list", "pipelines"]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/runbook\s+v2\s+state-machine/);
    expect(list.out).toMatch(/standard\s+v1\s+native\s+Standard wave rollout/);
    expect(list.out).toContain("canary 45m → 25% of smb 4h → rest of smb 8h → enterprise one at a time 1d each");

    const exported = await cli(["export", "pipeline", "runbook"]);
    expect(exported.code).toBe(0);
    expect(exported.out).toContain("waves:\n  - name: canary\n    cells: [canary-us-internal]");
    const file = path.join(tmp, "runbook-native.yaml");
    fs.writeFileSync(file, exported.out);
    expect((await cli(["import", "pipeline", file, "--id", "runbook-copy"])).code).toBe(0);
    const [orig, copy] = await Promise.all([getPipeline(db().prisma, "runbook"), getPipeline(db().prisma, "runbook-copy")]);
    expect(copy!.format).toBe("native");
    expect({ ...copy!.spec, id: "runbook" }).toEqual(orig!.spec);
  });

  it("export of an unknown id exits 1; a missing argument prints usage with exit 64", async () => {
    const r = await cli(["export", "pipeline", "nope"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('no pipeline "nope"');
    expect((await cli(["import", "pipeline"])).code).toBe(64);
  });
});
