// Where Cellplane may send HTTP requests: notifications and deploy webhooks go only to hosts on an
// admin-managed allowlist (Settings → Outbound calls). An empty list means the hosts of the webhooks
// configured in Settings → Rollouts and Alerting (its routes' URLs), and nothing else. Pure: the
// checks used when settings are saved, when a pipeline is imported, and before every delivery.
import { z } from "zod";
import type { RolloutSettings } from "./rollouts";

/** `host`, `host:port` or `*.domain` (any subdomain, not the domain itself); IPv6 in brackets. */
const HOST_ENTRY = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/;

export const outboundSettingsSchema = z.object({
  /** Allowed hosts; empty: the hosts of the configured webhooks. */
  hosts: z.array(z.string().regex(HOST_ENTRY, "a host name, host:port or *.domain")).max(200),
});
export type OutboundSettings = z.infer<typeof outboundSettingsSchema>;

export const DEFAULT_OUTBOUND_SETTINGS: OutboundSettings = { hosts: [] };

/** How long a delivery may take before it counts as failed (and is retried). */
export const OUTBOUND_TIMEOUT_MS = 5_000;

/** The hosts outbound calls may go to, and where that list comes from. */
export interface Allowlist {
  hosts: string[];
  source: "settings" | "webhooks";
}

/** Alert routes as far as outbound calls care: where each sends (a URL, or `slack://channel`). */
type AlertTargets = { routes: readonly { target: string }[] };

/** The URLs configured in Settings → Rollouts (chat channels, the deploy webhook) and Alerting (routes). */
export function configuredWebhooks(r: Pick<RolloutSettings, "channels" | "deployWebhook">, alerting?: AlertTargets): string[] {
  const routes = (alerting?.routes ?? []).map((x) => x.target).filter((t) => /^https?:\/\//.test(t));
  return [...Object.values(r.channels), r.deployWebhook, ...routes].filter(Boolean);
}

/** The allowlist in force: the admin's list, or when it is empty the configured webhooks' hosts. */
export function effectiveAllowlist(
  o: OutboundSettings,
  r: Pick<RolloutSettings, "channels" | "deployWebhook">,
  alerting?: AlertTargets,
): Allowlist {
  if (o.hosts.length > 0) return { hosts: o.hosts, source: "settings" };
  const hosts = new Set<string>();
  for (const url of configuredWebhooks(r, alerting)) {
    const u = parse(url);
    if (u) hosts.add(u.host);
  }
  return { hosts: [...hosts].sort(), source: "webhooks" };
}

function parse(url: string): URL | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u : null;
  } catch {
    return null;
  }
}

/** Whether `entry` (see HOST_ENTRY) admits URL `u`. Without a port an entry admits any port. */
function admits(entry: string, u: URL): boolean {
  const m = entry.match(/^(.*?)(?::(\d+))?$/)!;
  const [name, port] = [m[1]!, m[2]];
  if (port !== undefined && port !== (u.port || (u.protocol === "https:" ? "443" : "80"))) return false;
  if (name.startsWith("*.")) return u.hostname.endsWith(name.slice(1)) && u.hostname.length > name.length - 1;
  return u.hostname === name;
}

/**
 * Why `url` may not be called, or null when it may: only http(s) URLs whose host is on the
 * allowlist. The reason names the host, never the rest of the URL (that may be a secret).
 */
export function outboundProblem(url: string, allow: Allowlist): string | null {
  const u = parse(url);
  if (!u) return "not an http(s) URL";
  if (allow.hosts.some((h) => admits(h, u))) return null;
  return allow.source === "settings"
    ? `host ${u.host} is not on the outbound allowlist (Settings → Outbound calls)`
    : `host ${u.host} is not allowed: with an empty outbound allowlist only the hosts of the webhooks in Settings → Rollouts and Alerting are (${allow.hosts.join(", ") || "none configured"})`;
}

/** The allowlist field: one entry per line (blank lines and `#` comments skipped), lower-cased. */
export function parseHostLines(text: string): { hosts: string[]; problems: string[] } {
  const hosts: string[] = [];
  const problems: string[] = [];
  text
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").trim().toLowerCase())
    .filter(Boolean)
    .forEach((line, i) => {
      if (!HOST_ENTRY.test(line)) problems.push(`line ${i + 1}: "${line}" is not a host name, host:port or *.domain`);
      else if (!hosts.includes(line)) hosts.push(line);
    });
  return { hosts, problems };
}

/**
 * The configured webhooks a non-empty allowlist does not admit, by form field (`channels`, one line
 * per channel; `deployWebhook`). With the empty (default) list every configured webhook is allowed.
 */
export function webhookProblems(
  r: Pick<RolloutSettings, "channels" | "deployWebhook">,
  o: OutboundSettings,
): Record<string, string[]> | null {
  if (o.hosts.length === 0) return null;
  const allow = effectiveAllowlist(o, r);
  const out: Record<string, string[]> = {};
  for (const [name, url] of Object.entries(r.channels)) {
    const p = url && outboundProblem(url, allow);
    if (p) (out.channels ??= []).push(`${name}: ${p}`);
  }
  const p = r.deployWebhook && outboundProblem(r.deployWebhook, allow);
  if (p) out.deployWebhook = [p];
  return Object.keys(out).length ? out : null;
}
