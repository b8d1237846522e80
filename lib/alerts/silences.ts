// Silences and inhibition: which firing alerts are muted now, and why. A muted alert still shows
// (marked) and does not notify. SREs silence by matchers for a time, with a reason (audited);
// alerts on the cells of a wave that is deploying are inhibited for the deploy window
// automatically — never during the bake, which is when a release checks for them. Pure.
import { z } from "zod";
import type { Severity } from "@/lib/health/alerts";
import { globToRegExp } from "@/lib/rollouts/selectors";

export const silenceInputSchema = z
  .object({
    type: z.string().trim().max(80).default(""),
    /** Cell globs separated by commas or spaces (smb-eu-*, canary-us-internal); empty: every cell. */
    cells: z
      .string()
      .trim()
      .max(500)
      .regex(/^[a-z0-9*,\s-]*$/, "cell ids or globs (*), separated by commas")
      .default(""),
    service: z.string().trim().max(50).default(""),
    severity: z.enum(["", "critical", "warning", "info"]).default(""),
    startsAt: z.coerce.date({ error: "a date and time" }),
    endsAt: z.coerce.date({ error: "a date and time" }),
    reason: z.string().trim().min(3, "say why (at least 3 characters)").max(300),
  })
  .refine((s) => s.endsAt > s.startsAt, { message: "must end after it starts", path: ["endsAt"] })
  .refine((s) => s.type || s.cells || s.service || s.severity, {
    message: "name at least one matcher (type, cells, service or severity): a silence of everything hides outages",
    path: ["type"],
  });
export type SilenceInput = z.output<typeof silenceInputSchema>;

export interface Silence {
  id: string;
  type: string | null;
  cells: string[];
  service: string | null;
  severity: Severity | null;
  startsAt: Date;
  endsAt: Date;
  reason: string;
  createdBy: string;
}

export interface MutableAlert {
  type: string;
  cellId: string;
  serviceId: string | null;
  severity: string;
}

/** The cell globs of a silence's text. */
export const cellGlobs = (text: string) => text.split(/[\s,]+/).filter(Boolean);

export const isActive = (s: Pick<Silence, "startsAt" | "endsAt">, now: Date) => s.startsAt <= now && now < s.endsAt;

export function silenceMatches(s: Silence, a: MutableAlert, now: Date): boolean {
  if (!isActive(s, now)) return false;
  if (s.type && s.type !== a.type) return false;
  if (s.service && s.service !== a.serviceId) return false;
  if (s.severity && s.severity !== a.severity) return false;
  return s.cells.length === 0 || s.cells.some((g) => globToRegExp(g).test(a.cellId));
}

/** A wave deploying right now: its cells, the services its release changes. */
export interface DeployWindow {
  release: string;
  wave: string;
  cells: string[];
  services: string[];
  since: Date;
}

export type Mute =
  | { kind: "silenced"; silenceId: string; reason: string; until: Date }
  | { kind: "inhibited"; release: string; wave: string; since: Date };

/** Why an alert is muted now, or null. Inhibition covers the release's services (or alerts of no service) on the wave's cells. */
export function muteOf(a: MutableAlert, silences: Silence[], deploys: DeployWindow[], now: Date): Mute | null {
  const s = silences.find((x) => silenceMatches(x, a, now));
  if (s) return { kind: "silenced", silenceId: s.id, reason: s.reason, until: s.endsAt };
  const d = deploys.find((x) => x.cells.includes(a.cellId) && (a.serviceId === null || x.services.includes(a.serviceId)));
  return d ? { kind: "inhibited", release: d.release, wave: d.wave, since: d.since } : null;
}

/** Describe a mute for a person. */
export function describeMute(m: Mute): string {
  return m.kind === "silenced" ? `silenced (#${m.silenceId}: ${m.reason})` : `inhibited: ${m.release} is deploying wave ${m.wave}`;
}
