// One service's version in a cell × service table (the fleet list, the health page's version matrix):
// what the cell runs, with its drift to the desired version, or "n/a" where the cell does not run it.
import { VersionPill } from "@/components/badges";

export function ServiceVersion({ service }: { service: { observedVersion: string | null; desiredVersion: string | null } | undefined }) {
  return service ? (
    <VersionPill observed={service.observedVersion} desired={service.desiredVersion} />
  ) : (
    <span className="text-slate-500">n/a</span>
  );
}
