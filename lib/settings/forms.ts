// From the settings forms' fields to the stored settings: units (percent → fraction, minutes →
// milliseconds), the chat channel lines, and cross-field rules. Pure; a problem throws a
// DomainError naming the form's field.
import { DomainError } from "@/lib/errors";
import { type Thresholds, thresholdsSchema } from "@/lib/health/thresholds";
import { type OutboundSettings, parseHostLines } from "./outbound";
import { type RolloutSettings, rolloutSettingsSchema } from "./rollouts";

export interface ThresholdsForm {
  redErrorPct: number;
  redP99Ms: number;
  silenceMin: number;
  yellowErrorPct: number;
  yellowP99Ms: number;
  yellowCpuPct: number;
  alertAfterMin: number;
  retentionDays: number;
}

/** Stored paths of the thresholds that the form shows under another name. */
const THRESHOLD_FIELDS: Record<string, keyof ThresholdsForm> = { "yellow.errorRate": "yellowErrorPct", "yellow.p99Ms": "yellowP99Ms" };

export function thresholdsFromForm(f: ThresholdsForm): Thresholds {
  const value = thresholdsSchema.safeParse({
    red: { errorRate: f.redErrorPct / 100, p99Ms: f.redP99Ms, silenceMs: f.silenceMin * 60_000 },
    yellow: { errorRate: f.yellowErrorPct / 100, p99Ms: f.yellowP99Ms, cpu: f.yellowCpuPct / 100 },
    alertAfterMs: Math.round(f.alertAfterMin * 60_000),
    retentionMs: f.retentionDays * 24 * 3600_000,
  });
  if (!value.success) {
    throw new DomainError(
      "INVALID",
      "The thresholds are inconsistent.",
      Object.fromEntries(value.error.issues.map((i) => [THRESHOLD_FIELDS[i.path.join(".")] ?? i.path.join("."), [i.message]])),
    );
  }
  return value.data;
}

/**
 * The chat channels field: one `channel = https://…` (or `slack://channel = …`) per line; blank
 * lines are skipped. Returns the channels, or the problems by line (numbered among non-blank lines).
 */
export function parseChannelLines(text: string): { channels: Record<string, string>; problems: string[] } {
  const channels: Record<string, string> = {};
  const problems: string[] = [];
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .forEach((line, i) => {
      const m = line.match(/^(?:slack:\/\/)?([a-z0-9._-]+)\s*=\s*(https?:\/\/\S+)$/);
      if (!m) problems.push(`line ${i + 1}: expected "channel = https://…"`);
      else channels[m[1]!] = m[2]!;
    });
  return { channels, problems };
}

export interface RolloutsForm {
  channels: string;
  deployWebhook: string;
  deployTimeoutMin: number;
  telemetryTimeoutMin: number;
  noticeLeadHours: number;
}

export function rolloutSettingsFromForm(f: RolloutsForm): RolloutSettings {
  const { channels, problems } = parseChannelLines(f.channels);
  if (problems.length) throw new DomainError("INVALID", "Some channel lines are not valid.", { channels: problems });
  const value = rolloutSettingsSchema.safeParse({
    channels,
    deployWebhook: f.deployWebhook,
    deployTimeoutMin: f.deployTimeoutMin,
    telemetryTimeoutMin: f.telemetryTimeoutMin,
    noticeLeadHours: f.noticeLeadHours,
  });
  if (!value.success)
    throw new DomainError(
      "INVALID",
      "Some settings are not valid.",
      Object.fromEntries(value.error.issues.map((i) => [String(i.path[0]), [i.message]])),
    );
  return value.data;
}

/** The outbound allowlist field: one host a line (see parseHostLines). */
export function outboundSettingsFromForm(f: { hosts: string }): OutboundSettings {
  const { hosts, problems } = parseHostLines(f.hosts);
  if (problems.length) throw new DomainError("INVALID", "Some allowlist lines are not valid.", { hosts: problems });
  return { hosts };
}
