import type { AuditEvent } from "@/lib/generated/prisma/client";
import { formatMonthDayTime } from "@/lib/format";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
const steps = (v: unknown) =>
  Array.isArray(v)
    ? v.map((s) => `${obj(s).percentage}% ${formatMonthDayTime(new Date(String(obj(s).at)), false)}`).join(" → ") || "none"
    : "none";
const targeting = (v: unknown) => {
  const t = obj(v);
  const parts = [...list(t.tiers), ...list(t.regions), ...list(t.cells)];
  return parts.length ? parts.join(", ") : "everyone";
};

/** One line per changed field, in product terms. */
function describe(before: Obj, after: Obj, action: string): string[] {
  if (action === "flag.create") {
    return [
      `created ${after.enabled ? "switched on" : "switched off"}, rollout ${after.rolloutPercentage}%${list(after.allowlist).length ? `, ${list(after.allowlist).length} allowlisted` : ""}${Array.isArray(after.schedule) && after.schedule.length ? `, schedule ${steps(after.schedule)}` : ""}`,
    ];
  }
  if (action === "flag.guard_hold")
    return [
      `ramp ${after.effectivePercentage === before.effectivePercentage ? "held" : "reverted"} by its guard at ${after.effectivePercentage}% (${after.check})`,
    ];
  if (action === "flag.resume") return [`ramp resumed: ${after.effectivePercentage}% in force`];
  const out: string[] = [];
  for (const k of Object.keys(after)) {
    if (k === "version" || k === "held" || k === "holdReason") continue;
    const a = before[k],
      b = after[k];
    switch (k) {
      case "enabled":
        out.push(b ? "switched on" : "switched off (kill switch)");
        break;
      case "rolloutPercentage":
        out.push(`rollout ${a}% → ${b}%`);
        break;
      case "effectivePercentage":
        out.push(`in force ${a}% → ${b}%`);
        break;
      case "allowlist": {
        const added = list(b).filter((x) => !list(a).includes(x)),
          removed = list(a).filter((x) => !list(b).includes(x));
        out.push(`allowlist ${[...added.map((x) => `+${x}`), ...removed.map((x) => `−${x}`)].join(", ") || "reordered"}`);
        break;
      }
      case "schedule":
        out.push(`schedule ${steps(b)}`);
        break;
      case "targeting":
        out.push(`targeting ${targeting(a)} → ${targeting(b)}`);
        break;
      case "requires": {
        const req = (v: unknown) =>
          Object.entries(obj(v))
            .map(([svc, r]) => `${svc} ${String(r)}`)
            .join(", ") || "none";
        out.push(`prerequisites ${req(a)} → ${req(b)}`);
        break;
      }
      case "guard": {
        const g = (v: unknown) => {
          const checks = Array.isArray(obj(v).checks) ? (obj(v).checks as unknown[]).map((c) => String(obj(c).source ?? "")) : [];
          return v ? `${checks.join(", ")} (${String(obj(v).onBreach)})` : "none";
        };
        out.push(`guard ${g(a)} → ${g(b)}`);
        break;
      }
      default:
        out.push(`${k} ${JSON.stringify(a ?? "")} → ${JSON.stringify(b ?? "")}`);
    }
  }
  return out.length ? out : ["no change"];
}

export function FlagHistory({ events }: { events: AuditEvent[] }) {
  if (events.length === 0) return <p className="text-sm text-slate-500">No changes recorded.</p>;
  return (
    <ol className="relative space-y-4 border-l border-slate-200 pl-4" data-testid="flag-history">
      {events.map((e) => (
        <li key={e.id.toString()} className="relative" data-testid="flag-history-entry">
          <span
            className="absolute -left-[21px] top-1.5 h-2.5 w-2.5 rounded-full border-2 border-white bg-indigo-400 ring-1 ring-slate-200"
            aria-hidden
          />
          <div className="text-xs text-slate-500">
            <span className="font-medium text-slate-700">{e.actor}</span> · {formatMonthDayTime(e.at)}
            {obj(e.after).version ? ` · v${obj(e.after).version}` : ""}
          </div>
          <ul className="mt-0.5 text-sm">
            {describe(obj(e.before), obj(e.after), e.action).map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
          {e.reason && <p className="mt-0.5 text-xs text-slate-500">“{e.reason}”</p>}
        </li>
      ))}
    </ol>
  );
}
