// Every server action, generated from the action registry (app/action-registry.ts), against a real
// PostgreSQL seeded with the demo:
//   - the registry lists every app/**/actions.ts, and every export there is a defineAction action;
//   - each action runs once as a role allowed to, with a valid input, and writes at least one
//     audit event, all in the one transaction of its change (a read-only action writes nothing);
//   - each action × each role its permission refuses answers FORBIDDEN and changes no row of any table.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ACTION_MODULES } from "@/app/action-registry";
import { createSilence } from "@/lib/alerts/server/store";
import { audited } from "@/lib/audit/server/record";
import { ROLES, type Principal, type Role } from "@/lib/auth/roles";
import { isDefinedAction } from "@/lib/auth/server/action";
import { seedDemo } from "@/lib/fleet/server/seed";
import { seedDemoFlags } from "@/lib/flags/server/seed";
import { getFlag, updateFlag } from "@/lib/flags/server/store";
import { parseGatewayYaml } from "@/lib/gateway/config-yaml";
import { seedGatewayDemo } from "@/lib/gateway/server/seed";
import { CELL_ROUTER_SETTING } from "@/lib/gateway/settings";
import { applyGatewayImport } from "@/lib/gateway/server/store";
import { storeExternalAlerts } from "@/lib/health/server/alerts-store";
import { ingestSamples } from "@/lib/health/server/store";
import { DEFAULT_THRESHOLDS } from "@/lib/health/thresholds";
import type { WavePlan } from "@/lib/rollouts/engine";
import { commandRelease, createRelease, stepRelease } from "@/lib/rollouts/server/release-store";
import { importPipeline } from "@/lib/rollouts/server/pipeline-changes";
import { pipelineFleet } from "@/lib/rollouts/server/pipeline-store";
import { parsePipelineYaml } from "@/lib/rollouts/pipeline-yaml";
import { seedPipelines } from "@/lib/rollouts/server/seed";
import { reportProgress } from "@/lib/schema-migrations/server/agent";
import { importManifest, startRun, stepRun } from "@/lib/schema-migrations/server/store";
import { addWindow, createFreeze, readSetting, SETTINGS } from "@/lib/settings/server/store";
import { THRESHOLDS_FORM } from "@/lib/settings/test-fixtures";
import { testWave } from "../support/waves";
import { expandPhase, migrationYaml } from "../support/yaml-fixtures";
import { freshDatabase, type TestDatabase } from "../support/db";

const ROOT = path.resolve(import.meta.dirname, "../..");
const APP = path.join(ROOT, "app");

type Action = ReturnType<typeof registered>[number]["action"];

/** Every registered action, as `<folder>#<export>`. */
function registered() {
  return Object.entries(ACTION_MODULES).flatMap(([folder, mod]) =>
    Object.entries(mod).map(([name, action]) => {
      if (!isDefinedAction(action)) throw new Error(`${folder}/actions.ts exports ${name}, which is not built with defineAction`);
      return { id: `${folder}#${name}`, action };
    }),
  );
}

/** The folders under app/ that hold an actions.ts (route groups included). */
function actionFolders(dir = APP): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return actionFolders(p);
    return e.name === "actions.ts" ? [path.relative(APP, dir).split(path.sep).join("/")] : [];
  });
}

let t: TestDatabase;
let pool: pg.Pool;
const users = new Map<Role | "RELEASE_MANAGER_2" | "PRODUCT_OWNER_2", Principal>();
const userOf = (role: Role) => users.get(role)!;

beforeAll(async () => {
  t = await freshDatabase("actions");
  await seedDemo(t.prisma, "cellplane", ROOT);
  await seedPipelines(t.prisma, ROOT);
  await seedDemoFlags(t.prisma);
  await seedGatewayDemo(t.prisma, new Date(), ROOT);
  pool = new pg.Pool({ connectionString: t.url, max: 2 });
  for (const u of await t.prisma.user.findMany()) {
    const p = { id: u.id, email: u.email, name: u.name, role: u.role };
    if (u.email === "release2@cellplane.local") users.set("RELEASE_MANAGER_2", p);
    else if (u.email === "product2@cellplane.local") users.set("PRODUCT_OWNER_2", p);
    else users.set(u.role, p);
  }
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

// ---- Fixtures: what each action needs to run once --------------------------------------------

let n = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++n}`;
const example = (file: string) => fs.readFileSync(path.join(ROOT, "examples", file), "utf8");

/** Releases left running by a fixture would block the next one of the same service: abort them. */
afterEach(async () => {
  const active = await t.prisma.release.findMany({ where: { status: { in: ["running", "awaiting_approval", "paused"] } } });
  for (const r of active)
    await audited(t.prisma, "test", (tx) =>
      commandRelease(tx, r.id, { kind: "abort", by: "test", reason: "test done" }, "test", new Date(), 1),
    );
  // A whole-release rollback waits for cells no simulator moves here: end it so the service is free.
  await t.query(`UPDATE releases SET status = 'rolled_back' WHERE status = 'rolling_back'`);
});

const wave = (cells: string[], o: Partial<WavePlan> = {}) => testWave("w", cells, o);

/** A release of `service` started by release@, one pass of the ticker done. */
async function release(service: string, plan: WavePlan[]) {
  const { id } = await audited(t.prisma, "release@cellplane.local", (tx) =>
    createRelease(tx, { pipelineId: "standard", versions: { [service]: `v9.${++n}.0` }, plan }, "release@cellplane.local", new Date()),
  );
  await audited(t.prisma, "test", (tx) => stepRelease(tx, id, new Date(), 1));
  return id;
}

/** The cells report `service` at its desired version, so a deploying wave can bake. */
async function converge(service: string) {
  await t.query(`UPDATE cell_services SET observed_version = desired_version WHERE service_id = $1`, [service]);
}

/** Every active cell reports the route handlers of every version, now (the readiness gate). */
async function cellsReportHandlers() {
  const cells = await t.prisma.cell.findMany({ where: { status: "active" }, select: { id: true } });
  const ts = new Date();
  await ingestSamples(
    pool,
    cells.flatMap((c) => [
      { cell: c.id, service: "sms", ts, errorRate: 0, p99Ms: 100, cpu: 0.1, rps: 1, apiVersions: ["v0", "v1", "v2"] },
      { cell: c.id, service: "voice", ts, errorRate: 0, p99Ms: 100, cpu: 0.1, rps: 1, apiVersions: ["v1", "v2"] },
    ]),
    DEFAULT_THRESHOLDS,
  );
}

/** The example route table as written (v2/Calls disabled, v0/Messages deprecated), with every cell ready. */
async function exampleRoutes() {
  await cellsReportHandlers();
  const now = new Date();
  await audited(t.prisma, "test", (tx) =>
    applyGatewayImport(
      tx,
      parseGatewayYaml(example("api-gateway-config.yaml"), ["sms", "voice", "video", "whatsapp", "email"], now),
      "test",
      "test",
      now,
    ),
  );
  return new Map((await t.prisma.gatewayRoute.findMany()).map((r) => [`${r.method} ${r.path}`, r.revision]));
}

const manifest = (id: string, approval = false) =>
  migrationYaml(id, [expandPhase([{ cells: ["canary-us-internal"], requiresApproval: approval }, { cells: ["smb-*", "enterprise-*"] }])]);

/** A migration imported and started by release@ (agent mode: no cell database here). */
async function migration(approval = false) {
  const id = unique("reg");
  await audited(t.prisma, "release@cellplane.local", (tx) =>
    importManifest(tx, manifest(id, approval), "release@cellplane.local", ROOT, new Date()),
  );
  await audited(t.prisma, "release@cellplane.local", (tx) => startRun(tx, id, "release@cellplane.local", new Date(), 1));
  return id;
}

/** A pending pipeline change proposed by release@: the standard pipeline, then its enterprise gate removed. */
/** A change request of the demo's protected flag by product@: its number. */
async function pendingFlagChange() {
  const flag = (await getFlag(t.prisma, "videoBackgroundBlur"))!;
  const { request } = await audited(t.prisma, "product@cellplane.local", async (tx) => {
    const r = await updateFlag(tx, flag.key, flag.version, { description: unique("blur") }, "details", new Date(), {
      requestedBy: "product@cellplane.local",
    });
    return { data: r, audit: r.audit };
  });
  return request!.id;
}

async function pendingPipelineChange() {
  const id = unique("pipeline");
  const fleet = await pipelineFleet(t.prisma);
  const propose = (yaml: string) =>
    audited(t.prisma, "release@cellplane.local", (tx) =>
      importPipeline(tx, parsePipelineYaml(yaml, fleet, { id }), yaml, "release@cellplane.local", new Date()),
    );
  await propose(example("standard-pipeline.yaml"));
  const r = await propose(example("standard-pipeline.yaml").replace("requires_approval: true ", "requires_approval: false"));
  if (r.applied) throw new Error("expected a pending change");
  return r.pendingId;
}

async function flagInput(key = "newVoiceCodec") {
  const f = (await getFlag(t.prisma, key))!;
  return { key, version: f.version, flag: f };
}

interface Run {
  /** Who runs it: a role, or the second release manager or product owner (four-eyes). */
  as: Role | "RELEASE_MANAGER_2" | "PRODUCT_OWNER_2";
  input: unknown;
  /** A read: no audit event, no row written. */
  readOnly?: true;
}

/** A four-eyes decision on a fresh pending change request: its id, and the decider's comment. */
const decision = (as: Run["as"], pending: () => Promise<number | string>, comment: string) => async (): Promise<Run> => ({
  as,
  input: { id: await pending(), comment },
});

/** A lifecycle change of `route` in the example gateway config (imported fresh), at its current revision. */
const onRoute =
  (as: Run["as"], route: string, more: Record<string, string> = {}) =>
  async (): Promise<Run> => {
    const rev = await exampleRoutes();
    return { as, input: { route, revision: rev.get(route), ...more } };
  };

/** An admin's save of `setting` at its current version, the rest of the form built from its value. */
const adminSave =
  <T>(setting: Parameters<typeof readSetting<T>>[1], form: (value: T) => Record<string, unknown>) =>
  async (): Promise<Run> => {
    const { version, value } = await readSetting(t.prisma, setting);
    return { as: "ADMIN", input: { version, ...form(value) } };
  };

const FIXTURES: Record<string, () => Promise<Run>> = {
  "(dashboard)/alerts#acknowledgeAction": async () => {
    const type = unique("incident");
    await audited(t.prisma, "test", (tx) =>
      storeExternalAlerts(
        tx,
        [{ type, cell: "smb-us-1", severity: "critical", summary: "x", status: "firing", dedupKey: type }],
        new Date(),
      ),
    );
    return { as: "SRE", input: { type, comment: "looking into it" } };
  },
  "(dashboard)/alerts#createSilenceAction": async () => ({
    as: "SRE",
    input: {
      type: unique("incident"),
      cells: "smb-eu-*",
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      reason: "carrier maintenance",
    },
  }),
  "(dashboard)/alerts#expireSilenceAction": async () => {
    const { id } = await audited(t.prisma, "test", (tx) =>
      createSilence(
        tx,
        { type: "x", cells: "", service: "", severity: "", startsAt: new Date(), endsAt: new Date(Date.now() + 3_600_000), reason: "test" },
        "test",
      ),
    );
    return { as: "SRE", input: { id } };
  },

  "(dashboard)/changes#previewBlastRadiusAction": async () => ({
    as: "VIEWER",
    input: { kind: "release", pipeline: "standard", versions: { sms: "v9.9.9" } },
    readOnly: true,
  }),

  "(dashboard)/flags#setFlagEnabled": async () => {
    const { key, version, flag } = await flagInput();
    return { as: "PRODUCT_OWNER", input: { key, version, enabled: !flag.enabled } };
  },
  "(dashboard)/flags#setRolloutPercentage": async () => {
    const { key, version, flag } = await flagInput();
    return { as: "PRODUCT_OWNER", input: { key, version, percentage: flag.rolloutPercentage === 37 ? 38 : 37 } };
  },
  "(dashboard)/flags#setAllowlist": async () => {
    const { key, version, flag } = await flagInput();
    const allowlist = flag.allowlist.includes("smb-customer-1003") ? [] : ["smb-customer-1003"];
    return { as: "PRODUCT_OWNER", input: { key, version, allowlist } };
  },
  "(dashboard)/flags#setTargeting": async () => {
    const { key, version, flag } = await flagInput();
    const tiers = flag.targeting.tiers.includes("smb") ? [] : ["smb"];
    return { as: "PRODUCT_OWNER", input: { key, version, tiers, cells: [], regions: [] } };
  },
  "(dashboard)/flags#setSchedule": async () => {
    const { key, version } = await flagInput();
    return {
      as: "PRODUCT_OWNER",
      input: { key, version, schedule: [{ at: new Date(Date.now() + 86_400_000 + n++).toISOString(), percentage: 10 }] },
    };
  },
  "(dashboard)/flags#setFlagDetails": async () => {
    const { key, version, flag } = await flagInput();
    return { as: "PRODUCT_OWNER", input: { key, version, description: unique("codec"), owner: flag.owner, salt: flag.salt } };
  },
  "(dashboard)/flags#setRequires": async () => {
    const { key, version, flag } = await flagInput();
    return { as: "PRODUCT_OWNER", input: { key, version, requires: flag.requires.voice ? {} : { voice: ">=3.1.0" } } };
  },
  "(dashboard)/flags#setGuard": async () => {
    const { key, version, flag } = await flagInput();
    const guard = { checks: ["error_rate < 2x baseline"], onBreach: "hold", watchHandRaised: false, notify: null, watchFor: "1h" };
    return { as: "PRODUCT_OWNER", input: { key, version, guard: flag.guard ? null : guard } };
  },
  "(dashboard)/flags#resumeFlagRamp": async () => {
    const { key } = await flagInput("whatsappRichMedia");
    await t.prisma.featureFlag.update({ where: { key }, data: { heldAt: new Date(), heldPercentage: 50, holdReason: "test hold" } });
    const { version } = await flagInput("whatsappRichMedia");
    return { as: "PRODUCT_OWNER", input: { key, version, comment: "false alarm: a probe misconfigured" } };
  },
  "(dashboard)/flags#approveFlagChangeAction": decision("PRODUCT_OWNER_2", pendingFlagChange, "checked the CPU graphs"),
  "(dashboard)/flags#rejectFlagChangeAction": decision("PRODUCT_OWNER_2", pendingFlagChange, "not before the fix ships"),
  "(dashboard)/flags#createFlagAction": async () => ({
    as: "PRODUCT_OWNER",
    input: { key: unique("flag").replace(/-/g, "_"), description: "new" },
  }),

  "(dashboard)/fleet/import#importFleetAction": async () => ({ as: "ADMIN", input: { yaml: example("fleet.yaml"), mode: "apply" } }),

  "(dashboard)/gateway#enableRouteAction": onRoute("RELEASE_MANAGER", "POST /v2/Calls"),
  "(dashboard)/gateway#forceEnableRouteAction": onRoute("ADMIN", "POST /v2/Calls", {
    reason: "the edge needs it today, cells verified by hand",
  }),
  "(dashboard)/gateway#deprecateRouteAction": onRoute("RELEASE_MANAGER", "POST /v1/Messages", { deprecationDate: "2026-12-01" }),
  "(dashboard)/gateway#sunsetRouteAction": onRoute("RELEASE_MANAGER", "POST /v0/Messages", { confirmation: "POST /v0/Messages" }),
  "(dashboard)/gateway#reenableRouteAction": onRoute("RELEASE_MANAGER", "POST /v0/Messages"),
  "(dashboard)/gateway#importGatewayAction": async () => {
    await cellsReportHandlers();
    return { as: "RELEASE_MANAGER", input: { yaml: example("api-gateway-config.yaml"), mode: "apply" } };
  },
  "(dashboard)/gateway#saveCellRouterAction": async () => {
    const { version } = await readSetting(t.prisma, CELL_ROUTER_SETTING);
    return { as: "ADMIN", input: { url: `https://${unique("router")}.internal`, version } };
  },

  "(dashboard)/migrations#previewMigrationAction": async () => ({
    as: "RELEASE_MANAGER",
    input: { source: manifest(unique("reg")) },
    readOnly: true,
  }),
  "(dashboard)/migrations#importMigrationAction": async () => ({ as: "RELEASE_MANAGER", input: { source: manifest(unique("reg")) } }),
  "(dashboard)/migrations#startMigrationAction": async () => {
    const id = unique("reg");
    await audited(t.prisma, "release@cellplane.local", (tx) =>
      importManifest(tx, manifest(id), "release@cellplane.local", ROOT, new Date()),
    );
    return { as: "RELEASE_MANAGER", input: { id } };
  },
  "(dashboard)/migrations#approveMigrationAction": async () => ({
    as: "RELEASE_MANAGER_2",
    input: { id: await migration(true), phase: 0, step: 0, comment: "looks right" },
  }),
  "(dashboard)/migrations#rejectMigrationAction": async () => ({
    as: "RELEASE_MANAGER_2",
    input: { id: await migration(true), phase: 0, step: 0, comment: "not today" },
  }),
  "(dashboard)/migrations#rollbackMigrationAction": async () => {
    const id = await migration();
    return { as: "SRE", input: { id, reason: "errors on canary", confirm: id } };
  },
  "(dashboard)/migrations#rollbackCellAction": async () => ({
    as: "SRE",
    input: { id: await migration(), cell: "canary-us-internal", reason: "errors on canary" },
  }),
  "(dashboard)/migrations#retryMigrationAction": async () => {
    const id = await migration();
    await audited(t.prisma, "token:agent", (tx) =>
      reportProgress(tx, id, "canary-us-internal", { phase: "expand", status: "failed", error: "lock timeout" }, new Date()),
    );
    await audited(t.prisma, "test", (tx) => stepRun(tx, id, new Date()));
    return { as: "RELEASE_MANAGER", input: { id, cell: "canary-us-internal" } };
  },

  "(dashboard)/pipelines/changes#approvePipelineChangeAction": decision(
    "RELEASE_MANAGER_2",
    pendingPipelineChange,
    "the gate moves to the CAB",
  ),
  "(dashboard)/pipelines/changes#rejectPipelineChangeAction": decision("RELEASE_MANAGER_2", pendingPipelineChange, "keep the gate"),

  "(dashboard)/pipelines/import#importPipelineAction": async () => ({
    as: "RELEASE_MANAGER",
    input: { yaml: example("standard-pipeline.yaml"), id: unique("pipeline"), mode: "apply" },
  }),

  "(dashboard)/releases#startReleaseAction": async () => ({
    as: "RELEASE_MANAGER",
    input: { pipeline: "standard", service: "email", version: `v9.${++n}.0` },
  }),
  "(dashboard)/releases#approveAction": async () => ({
    as: "RELEASE_MANAGER_2",
    input: { id: await release("sms", [wave(["smb-us-1"], { requiresApproval: true })]), wave: 0, comment: "go ahead" },
  }),
  "(dashboard)/releases#rejectAction": async () => ({
    as: "RELEASE_MANAGER_2",
    input: { id: await release("sms", [wave(["smb-us-1"], { requiresApproval: true })]), wave: 0, comment: "not now" },
  }),
  "(dashboard)/releases#pauseAction": async () => ({
    as: "SRE",
    input: { id: await release("voice", [wave(["smb-us-1"])]), reason: "incident" },
  }),
  "(dashboard)/releases#resumeAction": async () => {
    const id = await release("voice", [wave(["smb-us-1"])]);
    await audited(t.prisma, "test", (tx) => commandRelease(tx, id, { kind: "pause", by: "test", reason: "" }, "test", new Date(), 1));
    return { as: "SRE", input: { id } };
  },
  "(dashboard)/releases#abortAction": async () => {
    const id = await release("video", [wave(["smb-us-1"])]);
    return { as: "RELEASE_MANAGER", input: { id, reason: "wrong build", confirm: id } };
  },
  "(dashboard)/releases#rollbackReleaseAction": async () => {
    // Deployed to its one wave, then aborted: the wave kept the new version.
    const id = await release("whatsapp", [wave(["smb-us-1"])]);
    await audited(t.prisma, "test", (tx) => commandRelease(tx, id, { kind: "abort", by: "test", reason: "stop" }, "test", new Date(), 1));
    return { as: "SRE", input: { id, reason: "bad everywhere" } };
  },
  "(dashboard)/releases#rollbackAction": async () => ({
    as: "SRE",
    input: { id: await release("video", [wave(["smb-us-1"])]), reason: "errors" },
  }),
  "(dashboard)/releases#advanceAction": async () => {
    const id = await release("whatsapp", [wave(["smb-us-1"]), wave(["smb-us-2"])]);
    await converge("whatsapp");
    await audited(t.prisma, "test", (tx) => stepRelease(tx, id, new Date(), 1));
    return { as: "RELEASE_MANAGER", input: { id, reason: "verified by hand" } };
  },

  "(dashboard)/settings#saveThresholdsAction": adminSave(SETTINGS.thresholds, () => ({ ...THRESHOLDS_FORM, retentionDays: 7 + (n++ % 2) })),
  "(dashboard)/settings#saveLinksAction": adminSave(SETTINGS.links, (value) => ({
    ...value,
    logs: `https://logs.example/${unique("q")}?cell={cell}`,
  })),
  "(dashboard)/settings#saveRunbookAction": async () => ({
    as: "ADMIN",
    input: { id: unique("runbook"), title: "Drain a cell", body: "1. Pause releases on {cell}.", version: 0 },
  }),
  "(dashboard)/settings#saveRolloutsAction": adminSave(SETTINGS.rollouts, () => ({
    channels: `releases = https://hooks.example/${unique("c")}\n\nslack://oncall = https://hooks.example/oncall`,
    deployWebhook: "",
    deployTimeoutMin: 15,
    telemetryTimeoutMin: 5,
    noticeLeadHours: 24,
  })),
  "(dashboard)/settings#savePromTemplatesAction": adminSave(SETTINGS.prometheus, (value) => ({
    q_errorRate: value.queries.errorRate,
    q_p99: value.queries.p99,
    q_cpu: value.queries.cpu,
    q_rps: value.queries.rps,
    q_version: value.queries.version,
    cellLabel: "cell",
    serviceLabel: "service",
    versionLabel: "version",
    window: `${2 + (n++ % 5)}m`,
    step: "15s",
    p99Unit: "seconds",
  })),
  "(dashboard)/settings#importPromTemplatesAction": adminSave(SETTINGS.prometheus, () => ({
    yaml: `window: ${2 + (n++ % 5)}m\nlabels:\n  cell: cell_id\n`,
  })),
  "(dashboard)/settings#saveAlertingAction": adminSave(SETTINGS.alerting, () => ({
    typeLabel: "alertname",
    cellLabel: "cell",
    serviceLabel: "service",
    routes: `routes:\n  - { name: ${unique("r")}, target: "slack://sre" }\n`,
  })),
  "(dashboard)/settings#saveOutboundAction": adminSave(SETTINGS.outbound, () => ({
    hosts: `hooks.example\n${unique("allowed")}.example`,
  })),
  "(dashboard)/settings#createFreezeAction": async () => ({
    as: "ADMIN",
    input: { startsAt: "2026-12-24T00:00:00Z", endsAt: "2026-12-27T00:00:00Z", reason: "holidays" },
  }),
  "(dashboard)/settings#endFreezeAction": async () => {
    const start = new Date(Date.now() - 60_000);
    const { id } = await audited(t.prisma, "test", (tx) =>
      createFreeze(tx, { startsAt: start, endsAt: new Date(start.getTime() + 3_600_000), reason: "incident" }, "test"),
    );
    return { as: "ADMIN", input: { id } };
  },
  "(dashboard)/settings#addWindowAction": async () => ({
    as: "ADMIN",
    input: { scope: "tier:smb", weekday: 2, start: "02:30", durationMin: 60 },
  }),
  "(dashboard)/settings#removeWindowAction": async () => {
    const { id } = await audited(t.prisma, "test", (tx) =>
      addWindow(tx, { scope: "smb-us-1", weekday: 3, start: "01:00", durationMin: 30 }, "test"),
    );
    return { as: "ADMIN", input: { id } };
  },
};

// ---- What a change touched -------------------------------------------------------------------

/** Row count and content hash of every table: a refused call must leave every one as it was. */
async function checksum(): Promise<Record<string, string>> {
  const tables = await t.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [r] = await t.query<{ n: string; h: string | null }>(
      `SELECT count(*)::text AS n, md5(string_agg(x::text, '|' ORDER BY x::text)) AS h FROM ${name} x`,
    );
    out[name] = `${r!.n}:${r!.h ?? ""}`;
  }
  return out;
}

const lastAuditId = async () => (await t.query<{ id: string | null }>(`SELECT max(id)::text AS id FROM audit_events`))[0]!.id ?? "0";

// ---- The tests -------------------------------------------------------------------------------

const ACTIONS = registered();

describe("the action registry", () => {
  it("lists every app/**/actions.ts, and only those", () => {
    expect(Object.keys(ACTION_MODULES).sort()).toEqual(actionFolders().sort());
  });

  it("holds only actions built with defineAction, each with a name, a permission and an input schema", () => {
    expect(ACTIONS.length).toBeGreaterThan(30);
    for (const { id, action } of ACTIONS) {
      expect(action.definition.name, id).toMatch(/\S/);
      expect(typeof action.definition.permission, id).toBe("function");
      expect(typeof action.definition.input.safeParse, id).toBe("function");
    }
  });

  it("has a fixture for every action (and none for an action that no longer exists)", () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(ACTIONS.map((a) => a.id).sort());
  });
});

describe("every action, once, as a role allowed to", () => {
  it.each(ACTIONS.map((a) => [a.id, a.action] as const))("%s writes its audit events in its transaction", async (id, action: Action) => {
    const fixture = FIXTURES[id];
    if (!fixture) throw new Error(`no fixture for ${id}`);
    const run = await fixture();
    const user = users.get(run.as)!;
    expect(action.definition.permission(user), `${run.as} may ${action.definition.name}`).toBe(true);
    const before = await lastAuditId();
    const snapshot = run.readOnly ? await checksum() : null;

    const result = await action.runAs(user, run.input, { db: t.prisma });
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });

    const events = await t.query<{ actor: string; action: string; tx: string }>(
      `SELECT actor, action, xmin::text AS tx FROM audit_events WHERE id > $1 ORDER BY id`,
      [before],
    );
    if (run.readOnly) {
      expect(events).toEqual([]);
      expect(await checksum()).toEqual(snapshot);
      return;
    }
    expect(events.length, "audit events written").toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.tx)).size, "all in one transaction").toBe(1);
    expect(events.map((e) => e.actor)).toContain(user.email);
  });
});

describe("every action × every role its permission refuses", () => {
  const principal = (role: Role): Principal => ({ id: role, email: `${role.toLowerCase()}@example.com`, name: role, role });
  const refusals = ACTIONS.flatMap(({ id, action }) =>
    ROLES.filter((role) => !action.definition.permission(principal(role))).map((role) => [id, role, action] as const),
  );

  it("refuses something to every role but ADMIN, and nothing to ADMIN", () => {
    for (const role of ROLES)
      expect(
        refusals.some(([, r]) => r === role),
        role,
      ).toBe(role !== "ADMIN");
  });

  it.each(refusals)("%s as %s: FORBIDDEN, no row of any table changed", async (id, role, action: Action) => {
    const user = userOf(role);
    const run = await FIXTURES[id]!();
    const before = await checksum();
    const result = await action.runAs(user, run.input, { db: t.prisma });
    expect(result).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await checksum()).toEqual(before);
  });
});
