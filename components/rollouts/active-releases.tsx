import Link from "next/link";
import { plural } from "@/lib/format";
import { activeReleases } from "@/lib/rollouts/server/queries";
import { ReleaseStatusBadge, WaveStateBadge } from "./badges";

/** The global view's strip of releases in flight and the wave each is in. */
export async function ActiveReleases() {
  const list = await activeReleases();
  if (!list.length) return null;
  return (
    <section className="mb-6 rounded-xl border border-indigo-200 bg-indigo-50/60 p-3" data-testid="active-releases">
      <h2 className="mb-2 text-xs font-semibold uppercase tracking-wide text-indigo-900">Releases in flight or left half-way</h2>
      <ul className="flex flex-wrap gap-3">
        {list.map((r) => (
          <li key={r.id} className="rounded-lg border border-indigo-200 bg-white px-3 py-2 text-sm shadow-sm">
            <Link href={`/releases/${r.id}`} className="font-medium text-indigo-700 hover:underline">
              {r.title}
            </Link>{" "}
            <ReleaseStatusBadge status={r.status} />
            {r.kept.length > 0 ? (
              <div className="mt-1 max-w-xs text-xs font-medium text-orange-800" data-testid="release-kept">
                {r.kept.map((k) => `${k.name} (${plural(k.cells, "cell")})`).join(", ")} kept {r.versions}: the fleet runs mixed versions
              </div>
            ) : (
              <div className="mt-1 flex items-center gap-2 text-xs text-slate-600">
                wave {r.wave}/{r.waves} · {r.waveName} <WaveStateBadge state={r.waveState} />
              </div>
            )}
            {r.waiting && <div className="mt-0.5 max-w-xs break-words text-xs text-slate-500">{r.waiting}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}
