"use server";
// Admin settings through the one door: session → named permission → zod → the settings store's
// change and its audit events in one transaction. The rules live in lib/settings/.
import { z } from "zod";
import { alertingSettingsSchema, parseRoutesYaml } from "@/lib/alerts/settings";
import { DomainError } from "@/lib/errors";
import { SpecValidationError } from "@/lib/yaml-errors";
import { forgetPromSettings } from "@/lib/health/sources/server/current";
import { parseTemplatesYaml, type PromSettings, promSettingsSchema, templateErrors } from "@/lib/health/sources/templates";
import { canEditSettings, canManageFreezes } from "@/lib/auth/permissions";
import { defineAction, type Revalidation } from "@/lib/auth/server/action";
import { forgetThresholds } from "@/lib/health/server/thresholds-cache";
import { outboundSettingsFromForm, rolloutSettingsFromForm, thresholdsFromForm } from "@/lib/settings/forms";
import { linksSchema } from "@/lib/settings/links";
import {
  addWindow,
  createFreeze,
  endFreeze,
  removeWindow,
  SETTINGS,
  saveRolloutSettings,
  saveRunbook,
  writeSetting,
} from "@/lib/settings/server/store";

const pct = z.coerce.number({ error: "a number" }).min(0, "≥ 0").max(100, "≤ 100");
const version = z.coerce.number().int().min(0);

/**
 * An admin's edit of one stored setting: `value` makes it from the input, written over the version
 * the form read (CONFLICT when someone changed it meanwhile).
 */
function settingAction<S extends z.ZodType<{ version: number }>, T>(def: {
  name: string;
  setting: Parameters<typeof writeSetting<T>>[1];
  input: S;
  value: (input: z.output<S>) => T;
  revalidate: Revalidation[];
  /** After the commit: drop the process's cached copy. */
  afterCommit?: () => void;
}) {
  return defineAction({
    name: def.name,
    permission: canEditSettings,
    input: def.input,
    run: ({ tx, input, user }) => writeSetting(tx, def.setting, def.value(input), input.version, user.email),
    revalidate: def.revalidate,
    afterCommit: def.afterCommit,
  });
}

export const saveThresholdsAction = settingAction({
  name: "change health thresholds",
  setting: SETTINGS.thresholds,
  input: z.object({
    version,
    redErrorPct: pct,
    redP99Ms: z.coerce.number().positive("> 0"),
    silenceMin: z.coerce.number().int("whole minutes").positive("> 0"),
    yellowErrorPct: pct,
    yellowP99Ms: z.coerce.number().positive("> 0"),
    yellowCpuPct: pct,
    alertAfterMin: z.coerce.number().min(0, "≥ 0"),
    retentionDays: z.coerce.number().int("whole days").min(1, "≥ 1").max(90, "≤ 90"),
  }),
  value: thresholdsFromForm,
  revalidate: [{ layout: "/" }],
  afterCommit: () => forgetThresholds(),
});

export const saveLinksAction = settingAction({
  name: "change observability links",
  setting: SETTINGS.links,
  input: linksSchema.extend({ version }),
  value: ({ version, ...links }) => links,
  revalidate: [{ layout: "/" }],
});

export const saveRunbookAction = defineAction({
  name: "edit runbooks",
  permission: canEditSettings,
  input: z.object({
    id: z.string().regex(/^[a-z0-9-]{2,60}$/, "lower-case letters, digits and dashes"),
    title: z.string().trim().min(3, "at least 3 characters").max(120),
    body: z.string().trim().min(10, "at least 10 characters").max(10_000),
    version,
  }),
  run: ({ tx, input, user }) => saveRunbook(tx, input, user.email),
  revalidate: [{ layout: "/" }],
});

export const saveRolloutsAction = defineAction({
  name: "change rollout settings",
  permission: canEditSettings,
  input: z.object({
    version,
    channels: z.string().max(10_000).default(""),
    deployWebhook: z.string().trim().max(500).default(""),
    deployTimeoutMin: z.coerce.number().positive("> 0").max(1440),
    telemetryTimeoutMin: z.coerce.number().positive("> 0").max(1440),
    noticeLeadHours: z.coerce.number().min(0).max(336),
  }),
  run: ({ tx, input, user }) => saveRolloutSettings(tx, rolloutSettingsFromForm(input), input.version, user.email),
  revalidate: ["/settings"],
});

export const saveOutboundAction = settingAction({
  name: "change the outbound allowlist",
  setting: SETTINGS.outbound,
  input: z.object({ version, hosts: z.string().max(20_000).default("") }),
  value: outboundSettingsFromForm,
  revalidate: ["/settings"],
});

export const createFreezeAction = defineAction({
  name: "declare freezes",
  permission: canManageFreezes,
  input: z
    .object({
      startsAt: z.coerce.date({ error: "a date and time" }),
      endsAt: z.coerce.date({ error: "a date and time" }),
      reason: z.string().trim().min(3, "say why").max(300),
    })
    .refine((f) => f.endsAt > f.startsAt, { message: "must end after it starts", path: ["endsAt"] }),
  run: ({ tx, input, user }) => createFreeze(tx, input, user.email),
  revalidate: [{ layout: "/" }],
});

export const endFreezeAction = defineAction({
  name: "end freezes",
  permission: canManageFreezes,
  input: z.object({ id: z.coerce.bigint() }),
  run: ({ tx, input }) => endFreeze(tx, input.id, new Date()),
  revalidate: [{ layout: "/" }],
});

export const addWindowAction = defineAction({
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
  run: ({ tx, input, user }) => addWindow(tx, input, user.email),
  revalidate: ["/settings"],
});

export const removeWindowAction = defineAction({
  name: "remove maintenance windows",
  permission: canManageFreezes,
  input: z.object({ id: z.coerce.bigint() }),
  run: ({ tx, input }) => removeWindow(tx, input.id),
  revalidate: ["/settings"],
});

/** A YAML reader's problems as the errors of one form field, `line N: field: reason` each. */
function asFieldErrors<T>(field: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof SpecValidationError)) throw e;
    throw new DomainError("INVALID", "the YAML is not valid; nothing was saved", {
      [field]: e.errors.map((x) => `${x.line ? `line ${x.line}: ` : ""}${x.field}: ${x.message}`),
    });
  }
}

/** Templates that parse and render to valid PromQL, or INVALID naming each bad field. */
function validTemplates(s: PromSettings): PromSettings {
  const errors = templateErrors(s);
  const fields = Object.fromEntries(Object.entries(errors).map(([k, e]) => [`q_${k}`, [e]]));
  if (Object.keys(fields).length) throw new DomainError("INVALID", "a query is not valid PromQL; nothing was saved", fields);
  return s;
}

export const savePromTemplatesAction = settingAction({
  name: "change health queries",
  setting: SETTINGS.prometheus,
  input: z.object({
    version,
    q_errorRate: z.string().trim().min(1, "required").max(2000),
    q_p99: z.string().trim().min(1, "required").max(2000),
    q_cpu: z.string().trim().min(1, "required").max(2000),
    q_rps: z.string().trim().min(1, "required").max(2000),
    q_version: z.string().trim().min(1, "required").max(2000),
    cellLabel: promSettingsSchema.shape.labels.shape.cell,
    serviceLabel: promSettingsSchema.shape.labels.shape.service,
    versionLabel: promSettingsSchema.shape.labels.shape.version,
    window: promSettingsSchema.shape.window,
    step: promSettingsSchema.shape.step,
    p99Unit: promSettingsSchema.shape.p99Unit,
  }),
  value: (i) =>
    validTemplates({
      queries: { errorRate: i.q_errorRate, p99: i.q_p99, cpu: i.q_cpu, rps: i.q_rps, version: i.q_version },
      labels: { cell: i.cellLabel, service: i.serviceLabel, version: i.versionLabel },
      window: i.window,
      step: i.step,
      p99Unit: i.p99Unit,
    }),
  revalidate: ["/settings"],
  afterCommit: () => forgetPromSettings(),
});

export const importPromTemplatesAction = settingAction({
  name: "import health queries",
  setting: SETTINGS.prometheus,
  input: z.object({ version, yaml: z.string().min(1, "paste or upload a YAML file").max(50_000) }),
  value: (input) => asFieldErrors("yaml", () => parseTemplatesYaml(input.yaml)),
  revalidate: ["/settings"],
  afterCommit: () => forgetPromSettings(),
});

export const saveAlertingAction = settingAction({
  name: "change alert routing",
  setting: SETTINGS.alerting,
  input: z.object({
    version,
    typeLabel: alertingSettingsSchema.shape.labels.shape.type,
    cellLabel: alertingSettingsSchema.shape.labels.shape.cell,
    serviceLabel: alertingSettingsSchema.shape.labels.shape.service,
    routes: z.string().max(50_000).default(""),
  }),
  value: (i) => ({
    labels: { type: i.typeLabel, cell: i.cellLabel, service: i.serviceLabel },
    routes: asFieldErrors("routes", () => parseRoutesYaml(i.routes)),
  }),
  revalidate: ["/settings", "/alerts"],
});
