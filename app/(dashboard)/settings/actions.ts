"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/auth/server/action";
import { canEditSettings, canManageFreezes } from "@/lib/auth/permissions";
import { DomainError } from "@/lib/errors";
import { forgetThresholds } from "@/lib/health/server/thresholds-cache";
import { thresholdsSchema } from "@/lib/health/thresholds";
import { linksSchema } from "@/lib/settings/links";
import { rolloutSettingsSchema } from "@/lib/settings/rollouts";
import { SETTINGS, writeSetting } from "@/lib/settings/server/store";

const pct = z.coerce.number({ error: "a number" }).min(0, "≥ 0").max(100, "≤ 100");
const thresholdsInput = z.object({
  version: z.coerce.number().int().min(0),
  redErrorPct: pct,
  redP99Ms: z.coerce.number().positive("> 0"),
  silenceMin: z.coerce.number().int("whole minutes").positive("> 0"),
  yellowErrorPct: pct,
  yellowP99Ms: z.coerce.number().positive("> 0"),
  yellowCpuPct: pct,
  alertAfterMin: z.coerce.number().min(0, "≥ 0"),
  retentionDays: z.coerce.number().int("whole days").min(1, "≥ 1").max(90, "≤ 90"),
});

const saveThresholds = defineAction({
  name: "change health thresholds",
  permission: canEditSettings,
  input: thresholdsInput,
  async run({ tx, input, user }) {
    const value = thresholdsSchema.safeParse({
      red: { errorRate: input.redErrorPct / 100, p99Ms: input.redP99Ms, silenceMs: input.silenceMin * 60_000 },
      yellow: { errorRate: input.yellowErrorPct / 100, p99Ms: input.yellowP99Ms, cpu: input.yellowCpuPct / 100 },
      alertAfterMs: Math.round(input.alertAfterMin * 60_000),
      retentionMs: input.retentionDays * 24 * 3600_000,
    });
    if (!value.success) {
      const field = { "yellow.errorRate": "yellowErrorPct", "yellow.p99Ms": "yellowP99Ms" } as Record<string, string>;
      throw new DomainError(
        "INVALID",
        "The thresholds are inconsistent.",
        Object.fromEntries(value.error.issues.map((i) => [field[i.path.join(".")] ?? i.path.join("."), [i.message]])),
      );
    }
    await writeSetting(tx, SETTINGS.thresholds, value.data, input.version, user.email);
    return { data: null, audit: [] }; // writeSetting records the audit event in this transaction
  },
});

export async function saveThresholdsAction(raw: unknown) {
  const r = await saveThresholds(raw);
  if (r.ok) {
    forgetThresholds();
    revalidatePath("/", "layout");
  }
  return r;
}

const saveLinks = defineAction({
  name: "change observability links",
  permission: canEditSettings,
  input: linksSchema.extend({ version: z.coerce.number().int().min(0) }),
  async run({ tx, input: { version, ...links }, user }) {
    await writeSetting(tx, SETTINGS.links, links, version, user.email);
    return { data: null, audit: [] };
  },
});

export async function saveLinksAction(raw: unknown) {
  const r = await saveLinks(raw);
  if (r.ok) revalidatePath("/", "layout");
  return r;
}

const saveRunbook = defineAction({
  name: "edit runbooks",
  permission: canEditSettings,
  input: z.object({
    id: z.string().regex(/^[a-z0-9-]{2,60}$/, "lower-case letters, digits and dashes"),
    title: z.string().trim().min(3, "at least 3 characters").max(120),
    body: z.string().trim().min(10, "at least 10 characters").max(10_000),
    version: z.coerce.number().int().min(0),
  }),
  async run({ tx, input, user }) {
    const before = await tx.runbook.findUnique({ where: { id: input.id } });
    if ((before?.version ?? 0) !== input.version)
      throw new DomainError("CONFLICT", "Someone else changed this runbook meanwhile; reload and try again.");
    if (before) {
      const n = await tx.runbook.updateMany({
        where: { id: input.id, version: input.version },
        data: { title: input.title, body: input.body, version: { increment: 1 }, updatedBy: user.email },
      });
      if (n.count === 0) throw new DomainError("CONFLICT", "Someone else changed this runbook meanwhile; reload and try again.");
    } else {
      await tx.runbook.create({ data: { id: input.id, title: input.title, body: input.body, updatedBy: user.email } });
    }
    return {
      data: null,
      audit: {
        action: before ? "runbook.update" : "runbook.create",
        targetType: "runbook",
        targetId: input.id,
        before: before ? { title: before.title, body: before.body } : undefined,
        after: { title: input.title, body: input.body },
      },
    };
  },
});

export async function saveRunbookAction(raw: unknown) {
  const r = await saveRunbook(raw);
  if (r.ok) revalidatePath("/", "layout");
  return r;
}

const saveRollouts = defineAction({
  name: "change rollout settings",
  permission: canEditSettings,
  input: z.object({
    version: z.coerce.number().int().min(0),
    channels: z.string().max(10_000).default(""),
    deployWebhook: z.string().trim().max(500).default(""),
    deployTimeoutMin: z.coerce.number().positive("> 0").max(1440),
    telemetryTimeoutMin: z.coerce.number().positive("> 0").max(1440),
    noticeLeadHours: z.coerce.number().min(0).max(336),
  }),
  async run({ tx, input, user }) {
    const channels: Record<string, string> = {};
    const bad: string[] = [];
    input.channels
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .forEach((line, i) => {
        const m = line.match(/^(?:slack:\/\/)?([a-z0-9._-]+)\s*=\s*(https?:\/\/\S+)$/);
        if (!m) bad.push(`line ${i + 1}: expected "channel = https://…"`);
        else channels[m[1]!] = m[2]!;
      });
    if (bad.length) throw new DomainError("INVALID", "Some channel lines are not valid.", { channels: bad });
    const value = rolloutSettingsSchema.safeParse({
      channels,
      deployWebhook: input.deployWebhook,
      deployTimeoutMin: input.deployTimeoutMin,
      telemetryTimeoutMin: input.telemetryTimeoutMin,
      noticeLeadHours: input.noticeLeadHours,
    });
    if (!value.success)
      throw new DomainError(
        "INVALID",
        "Some settings are not valid.",
        Object.fromEntries(value.error.issues.map((i) => [String(i.path[0]), [i.message]])),
      );
    await writeSetting(tx, SETTINGS.rollouts, value.data, input.version, user.email);
    return { data: null, audit: [] };
  },
});

export async function saveRolloutsAction(raw: unknown) {
  const r = await saveRollouts(raw);
  if (r.ok) revalidatePath("/settings");
  return r;
}

const createFreeze = defineAction({
  name: "declare freezes",
  permission: canManageFreezes,
  input: z
    .object({
      startsAt: z.coerce.date({ error: "a date and time" }),
      endsAt: z.coerce.date({ error: "a date and time" }),
      reason: z.string().trim().min(3, "say why").max(300),
    })
    .refine((f) => f.endsAt > f.startsAt, { message: "must end after it starts", path: ["endsAt"] }),
  async run({ tx, input, user }) {
    const f = await tx.freeze.create({ data: { ...input, createdBy: user.email } });
    return { data: null, audit: { action: "freeze.create", targetType: "freeze", targetId: f.id.toString(), after: input } };
  },
});

export async function createFreezeAction(raw: unknown) {
  const r = await createFreeze(raw);
  if (r.ok) revalidatePath("/", "layout");
  return r;
}

const endFreeze = defineAction({
  name: "end freezes",
  permission: canManageFreezes,
  input: z.object({ id: z.coerce.bigint() }),
  async run({ tx, input }) {
    const f = await tx.freeze.findUnique({ where: { id: input.id } });
    if (!f) throw new DomainError("NOT_FOUND", "no such freeze");
    const now = new Date();
    if (f.endsAt <= now) throw new DomainError("CONFLICT", "this freeze has already ended");
    const endsAt = f.startsAt > now ? new Date(f.startsAt.getTime() + 1) : now;
    await tx.freeze.update({ where: { id: f.id }, data: { endsAt } });
    return {
      data: null,
      audit: { action: "freeze.end", targetType: "freeze", targetId: f.id.toString(), before: { endsAt: f.endsAt }, after: { endsAt } },
    };
  },
});

export async function endFreezeAction(raw: unknown) {
  const r = await endFreeze(raw);
  if (r.ok) revalidatePath("/", "layout");
  return r;
}

const addWindow = defineAction({
  name: "define maintenance windows",
  permission: canManageFreezes,
  input: z.object({
    scope: z
      .string()
      .trim()
      .regex(/^(tier:(canary|smb|enterprise)|[a-z0-9-]+)$/, "a cell id or tier:<canary|smb|enterprise>"),
    weekday: z.coerce.number().int().min(1).max(7),
    start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM"),
    durationMin: z.coerce.number().int().min(1, "≥ 1").max(1440, "≤ 1440"),
  }),
  async run({ tx, input, user }) {
    if (!input.scope.startsWith("tier:") && !(await tx.cell.findUnique({ where: { id: input.scope } })))
      throw new DomainError("INVALID", "unknown cell", { scope: [`no cell ${input.scope}`] });
    const [h, m] = input.start.split(":").map(Number);
    const w = await tx.maintenanceWindow.create({
      data: {
        scope: input.scope,
        weekday: input.weekday,
        startMinute: h! * 60 + m!,
        durationMin: input.durationMin,
        createdBy: user.email,
      },
    });
    return {
      data: null,
      audit: { action: "maintenance_window.create", targetType: "maintenance_window", targetId: w.id.toString(), after: input },
    };
  },
});

export async function addWindowAction(raw: unknown) {
  const r = await addWindow(raw);
  if (r.ok) revalidatePath("/settings");
  return r;
}

const removeWindow = defineAction({
  name: "remove maintenance windows",
  permission: canManageFreezes,
  input: z.object({ id: z.coerce.bigint() }),
  async run({ tx, input }) {
    const w = await tx.maintenanceWindow.findUnique({ where: { id: input.id } });
    if (!w) throw new DomainError("NOT_FOUND", "no such window");
    await tx.maintenanceWindow.delete({ where: { id: w.id } });
    return {
      data: null,
      audit: {
        action: "maintenance_window.delete",
        targetType: "maintenance_window",
        targetId: w.id.toString(),
        before: { scope: w.scope, weekday: w.weekday, startMinute: w.startMinute, durationMin: w.durationMin },
      },
    };
  },
});

export async function removeWindowAction(raw: unknown) {
  const r = await removeWindow(raw);
  if (r.ok) revalidatePath("/settings");
  return r;
}
