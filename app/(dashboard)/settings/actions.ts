"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/auth/action";
import { canEditSettings } from "@/lib/auth/permissions";
import { DomainError } from "@/lib/errors";
import { forgetThresholds } from "@/lib/health/service";
import { thresholdsSchema } from "@/lib/health/thresholds";
import { linksSchema } from "@/lib/settings/links";
import { readSetting, SETTINGS, writeSetting } from "@/lib/settings/store";

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
      throw new DomainError("INVALID", "The thresholds are inconsistent.", Object.fromEntries(value.error.issues.map((i) => [field[i.path.join(".")] ?? i.path.join("."), [i.message]])));
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
    if ((before?.version ?? 0) !== input.version) throw new DomainError("CONFLICT", "Someone else changed this runbook meanwhile; reload and try again.");
    if (before) {
      const n = await tx.runbook.updateMany({ where: { id: input.id, version: input.version }, data: { title: input.title, body: input.body, version: { increment: 1 }, updatedBy: user.email } });
      if (n.count === 0) throw new DomainError("CONFLICT", "Someone else changed this runbook meanwhile; reload and try again.");
    } else {
      await tx.runbook.create({ data: { id: input.id, title: input.title, body: input.body, updatedBy: user.email } });
    }
    return {
      data: null,
      audit: { action: before ? "runbook.update" : "runbook.create", targetType: "runbook", targetId: input.id, before: before ? { title: before.title, body: before.body } : undefined, after: { title: input.title, body: input.body } },
    };
  },
});

export async function saveRunbookAction(raw: unknown) {
  const r = await saveRunbook(raw);
  if (r.ok) revalidatePath("/", "layout");
  return r;
}

