// Policy changes are changes: a pipeline import that removes or weakens an approval gate, removes
// checks or changes notify targets waits as a pending change until a release manager or admin
// other than its proposer approves it (UI action and CLI alike). Notify targets must be on the
// outbound allowlist, and are secrets: exports and audit events carry them redacted.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvePipelineChangeAction, rejectPipelineChangeAction } from "@/app/(dashboard)/pipelines/changes/actions";
import { importPipelineAction } from "@/app/(dashboard)/pipelines/import/actions";
import { audited } from "@/lib/audit/server/record";
import type { Principal } from "@/lib/auth/roles";
import { getPipeline } from "@/lib/rollouts/server/pipeline-store";
import { DEFAULT_ROLLOUT_SETTINGS } from "@/lib/settings/rollouts";
import { readSetting, SETTINGS, writeSetting } from "@/lib/settings/server/store";
import { cliIn } from "../support/cli";
import { demoPrincipals, type SeededDatabase, seededDatabase } from "../support/seeded-db";

const standard = fs.readFileSync("examples/standard-pipeline.yaml", "utf8");
const SECRET = "https://hooks.chat.example/services/T0SECRET/B0SECRET/pipelineSecretToken";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cellplane-pipeline-changes-"));

let t: SeededDatabase;
let users: Record<string, Principal> = {};
beforeAll(async () => {
  t = await seededDatabase("pipeline_changes", { password: "cellplane" });
  users = await demoPrincipals(t.prisma);
  // A chat webhook on the host the pipelines notify: with an empty allowlist, its host is allowed.
  await audited(t.prisma, "test", (tx) =>
    writeSetting(
      tx,
      SETTINGS.rollouts,
      { ...DEFAULT_ROLLOUT_SETTINGS, channels: { ops: "https://hooks.chat.example/services/T/B/ops" } },
      0,
      "test",
    ),
  );
});
afterAll(() => t.drop());

function edit(text: string, from: string, to: string) {
  if (!text.includes(from)) throw new Error(`not in the file: ${from}`);
  return text.replace(from, to);
}
const file = (id: string, text = standard) => edit(text, "id: standard", `id: ${id}`);
const weakened = (id: string) => edit(file(id), "requires_approval: true ", "requires_approval: false");
const importAs = (who: string, yaml: string, mode: "apply" | "preview" = "apply") =>
  importPipelineAction.runAs(users[who]!, { yaml, mode }, { db: t.prisma });
const decide = (who: string, kind: "approve" | "reject", id: string, comment = "reviewed the diff") =>
  (kind === "approve" ? approvePipelineChangeAction : rejectPipelineChangeAction).runAs(users[who]!, { id, comment }, { db: t.prisma });
const stored = (id: string) => getPipeline(t.prisma, id);
const events = (action: string, targetId?: string) =>
  t.prisma.auditEvent.findMany({ where: { action, ...(targetId ? { targetId } : {}) }, orderBy: { id: "asc" } });

describe("four-eyes on policy changes (the import action)", () => {
  it("a stricter import applies at once; a weakening one waits, changes nothing, and says why", async () => {
    expect(await importAs("release", file("fe-a"))).toMatchObject({
      ok: true,
      data: { applied: true, created: true, version: 1, pendingId: null },
    });
    expect(await importAs("release", edit(file("fe-a"), "bake: 45m", "bake: 2h"))).toMatchObject({
      ok: true,
      data: { applied: true, version: 2 },
    });

    const preview = await importAs("release", weakened("fe-a"), "preview");
    expect(preview).toMatchObject({
      ok: true,
      data: {
        applied: false,
        pendingId: null,
        policyChanges: ["wave enterprise: approval gate removed", expect.stringMatching(/^no longer behind an approval gate: enterprise-/)],
      },
    });

    const r = await importAs("release", weakened("fe-a"));
    expect(r).toMatchObject({ ok: true, data: { applied: false, version: 3, pendingId: expect.stringMatching(/^\d+$/) } });
    const pendingId = (r as { data: { pendingId: string } }).data.pendingId;
    expect((await stored("fe-a"))!.version).toBe(2);
    expect((await stored("fe-a"))!.spec.waves[3]!.requiresApproval).toBe(true);
    expect(await events("pipeline.change_propose", pendingId)).toMatchObject([{ actor: "release@cellplane.local" }]);

    // The same proposer sending the same file again gets the same pending change, and no new event.
    expect(await importAs("release", weakened("fe-a"))).toMatchObject({ ok: true, data: { pendingId } });
    expect(await events("pipeline.change_propose", pendingId)).toHaveLength(1);
  });

  it("the proposer cannot approve; a viewer or SRE may not decide at all; nothing changes", async () => {
    const r = await importAs("release", weakened("fe-b"));
    expect(r).toMatchObject({ ok: true, data: { applied: false } }); // a new pipeline below the floor: enterprise without a gate
    const id = (r as { data: { pendingId: string } }).data.pendingId;
    expect(await decide("release", "approve", id)).toMatchObject({
      ok: false,
      code: "PRECONDITION",
      message: expect.stringContaining("four-eyes"),
    });
    expect(await decide("viewer", "approve", id)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await decide("sre", "reject", id)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await stored("fe-b")).toBeNull();
    expect((await t.prisma.pipelineChange.findUniqueOrThrow({ where: { id: BigInt(id) } })).status).toBe("pending");
  });

  it("another release manager approves: the change becomes the next version, in the proposer's name, once", async () => {
    const r = await importAs("release", weakened("fe-a"));
    const id = (r as { data: { pendingId: string } }).data.pendingId;
    expect(await decide("release2", "approve", id, "enterprise gate moves to the CAB")).toMatchObject({
      ok: true,
      data: { pipelineId: "fe-a", version: 3 },
    });
    const p = (await stored("fe-a"))!;
    expect(p).toMatchObject({ version: 3, updatedBy: "release@cellplane.local" });
    expect(p.spec.waves[3]!.requiresApproval).toBe(false);
    const [imported] = (await events("pipeline.import", "fe-a")).slice(-1);
    expect(imported).toMatchObject({
      actor: "release@cellplane.local",
      reason: `change #${id}, approved by release2@cellplane.local: enterprise gate moves to the CAB`,
    });
    expect(await events("pipeline.change_approve", id)).toMatchObject([
      { actor: "release2@cellplane.local", after: { status: "approved", pipeline: "fe-a", version: 3 } },
    ]);
    expect(await decide("admin", "approve", id)).toMatchObject({
      ok: false,
      code: "CONFLICT",
      message: expect.stringContaining("already approved by release2@cellplane.local"),
    });
    expect((await stored("fe-a"))!.version).toBe(3);
  });

  it("two approvals at the same moment make one decision", async () => {
    await importAs("admin", file("fe-c"));
    const r = await importAs("release", edit(file("fe-c"), "checks: [error_rate, latency, customer_complaints]", "checks: [error_rate]"));
    const id = (r as { data: { pendingId: string } }).data.pendingId;
    const results = await Promise.all([decide("release2", "approve", id), decide("admin", "approve", id)]);
    expect(results.filter((x) => x.ok)).toHaveLength(1);
    expect(results.filter((x) => !x.ok)).toMatchObject([{ code: "CONFLICT" }]);
    expect((await stored("fe-c"))!.version).toBe(2);
    expect(await events("pipeline.change_approve", id)).toHaveLength(1);
  });

  it("a change proposed against a version that moved on cannot be approved; the proposer may withdraw it", async () => {
    await importAs("admin", file("fe-d"));
    const r = await importAs("release", edit(file("fe-d"), "    notify: slack://enterprise-releases\n", ""));
    const id = (r as { data: { pendingId: string } }).data.pendingId;
    await importAs("admin", edit(file("fe-d"), "bake: 45m", "bake: 1h")); // stricter: applied, version 2
    expect(await decide("release2", "approve", id)).toMatchObject({
      ok: false,
      code: "CONFLICT",
      message: expect.stringContaining("changed since this was proposed (version 1 → 2)"),
    });
    expect(await decide("release", "reject", id, "superseded")).toMatchObject({ ok: true });
    expect(await t.prisma.pipelineChange.findUniqueOrThrow({ where: { id: BigInt(id) } })).toMatchObject({
      status: "rejected",
      decidedBy: "release@cellplane.local",
    });
    expect((await stored("fe-d"))!.spec.waves[3]!.notify).toBe("slack://enterprise-releases");
  });
});

describe("notify targets: allowlist at import, redacted in exports and audit", () => {
  const withSecret = (id: string) => edit(file(id), "notify: slack://enterprise-releases", `notify: ${SECRET}`);

  it("a target outside the outbound allowlist is refused with its line, and nothing is saved", async () => {
    const text = edit(file("fe-e"), "notify: slack://enterprise-releases", "notify: https://169.254.169.254/latest/meta-data");
    const r = await importAs("admin", text);
    expect(r).toMatchObject({
      ok: false,
      code: "INVALID",
      specErrors: [
        {
          line: text.split("\n").findIndex((l) => l.includes("169.254.169.254")) + 1,
          field: "waves[3].notify",
          message: expect.stringMatching(
            /^wave enterprise: host 169.254.169.254 is not allowed: with an empty outbound allowlist only the hosts of the webhooks in Settings → Rollouts and Alerting are \(hooks.chat.example\)$/,
          ),
        },
      ],
    });
    expect(await stored("fe-e")).toBeNull();
  });

  it("an admin's allowlist decides; the audit event keeps the target only redacted", async () => {
    const { version } = await readSetting(t.prisma, SETTINGS.outbound);
    await audited(t.prisma, "test", (tx) => writeSetting(tx, SETTINGS.outbound, { hosts: ["*.chat.example"] }, version, "test"));
    expect(await importAs("admin", withSecret("fe-f"))).toMatchObject({ ok: true, data: { applied: true } });
    expect((await stored("fe-f"))!.spec.waves[3]!.notify).toBe(SECRET);
    const [e] = await events("pipeline.import", "fe-f");
    expect(JSON.stringify(e, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain("T0SECRET");
    expect((e!.after as { waves: { notify: string | null }[] }).waves[3]!.notify).toBe("https://hooks.chat.example/…");
  });

  it("CLI: exports redact the target; importing the export again keeps the stored one", async () => {
    const exported = await cliIn(t.url, ["export", "pipeline", "fe-f"]);
    expect(exported.code).toBe(0);
    expect(exported.out).not.toContain("T0SECRET");
    expect(exported.out).toContain('notify: "https://hooks.chat.example/…"');
    const f = path.join(tmp, "fe-f.yaml");
    fs.writeFileSync(f, exported.out);
    const again = await cliIn(t.url, ["import", "pipeline", f]);
    expect(again).toMatchObject({ code: 0 });
    expect(again.out).toContain("Updated pipeline fe-f");
    expect((await stored("fe-f"))!.spec.waves[3]!.notify).toBe(SECRET);
    const copy = await cliIn(t.url, ["import", "pipeline", f, "--id", "fe-f-copy"]);
    expect(copy.code).toBe(1);
    expect(copy.err).toContain(
      "waves[3].notify: https://hooks.chat.example/… is a redacted URL and no stored target of this pipeline matches it; write the whole URL",
    );
  });

  it("CLI: a weakening import exits 3 with the changes and the pending change; nothing is applied", async () => {
    const f = path.join(tmp, "fe-f-weak.yaml");
    fs.writeFileSync(
      f,
      edit(withSecret("fe-f"), `    notify: ${SECRET}\n`, "    notify: https://hooks.chat.example/services/T1/B1/otherToken\n"),
    );
    const r = await cliIn(t.url, ["import", "pipeline", f]);
    expect(r.code, r.err).toBe(3);
    expect(r.out).toContain(
      "Pipeline fe-f was not changed: this import changes its policy, so it waits for approval by a release manager or an admin:",
    );
    expect(r.out).toContain("  - wave enterprise: notifies https://hooks.chat.example/… instead of https://hooks.chat.example/…");
    expect(r.out).not.toMatch(/T0SECRET|otherToken/);
    const id = r.out.match(/Pending change #(\d+)/)![1]!;
    expect(await t.prisma.pipelineChange.findUniqueOrThrow({ where: { id: BigInt(id) } })).toMatchObject({
      status: "pending",
      proposedBy: expect.stringMatching(/^cli:/),
    });
    expect((await stored("fe-f"))!.spec.waves[3]!.notify).toBe(SECRET);
    // Any release manager or admin may approve a change the CLI proposed.
    expect(await decide("release", "approve", id)).toMatchObject({ ok: true });
    expect((await stored("fe-f"))!.spec.waves[3]!.notify).toBe("https://hooks.chat.example/services/T1/B1/otherToken");
    const proposed = await events("pipeline.change_propose", id);
    expect(JSON.stringify(proposed, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toMatch(/T0SECRET|otherToken/);
  });
});
