"use client";
import dynamic from "next/dynamic";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { memo, useCallback, useMemo } from "react";
import { Card } from "@/components/page-header";
import { LabelledSelect } from "@/components/url-filter";
import { STATUSES, type Status } from "@/lib/health/classify";
import { runsVersion, versionOptions } from "@/lib/health/filters";
import { plural } from "@/lib/format";
import type { CellState, FleetHealth } from "@/lib/health/fleet-health";
import type { Thresholds } from "@/lib/health/thresholds";
import { Heatmap } from "./heatmap";
import { STATUS_BG, STATUS_LABEL, StatusGlyph } from "./status";
import { useFeedStatus, useFleetFeed } from "./use-fleet-feed";
import { VersionMatrix } from "./version-matrix";

const TIERS = ["canary", "smb", "enterprise"];

// The charts (recharts) load after the page: they are not needed to paint the first tile.
const ComparisonCharts = dynamic(() => import("./comparison-charts").then((m) => m.ComparisonCharts), {
  ssr: false,
  loading: () => <div className="h-[480px] animate-pulse rounded-lg bg-slate-100" />,
});

function useUrlState() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    router.replace(`${pathname}${next.size ? `?${next}` : ""}`, { scroll: false });
  };
  return { get: (k: string) => params.get(k), set };
}

function Select({
  label,
  name,
  value,
  options,
  onChange,
}: {
  label: string;
  name: string;
  value: string | null;
  options: string[];
  onChange: (v: string | null) => void;
}) {
  return (
    <LabelledSelect
      name={name}
      label={label}
      options={options.map((o) => ({ value: o, label: o === "no_data" ? "no data" : o }))}
      value={value ?? ""}
      onChange={(v) => onChange(v || null)}
    />
  );
}

/**
 * The global view. The page renders it with the fleet's current feed (so tiles are in the first
 * response, before any script runs); from then on the compact feed keeps it live. Nothing below
 * re-renders while the fleet is unchanged: a 304 keeps the same data object.
 */
export function FleetOverview({ initial, thresholds }: { initial?: string; thresholds: Thresholds }) {
  const query = useFleetFeed(initial);
  if (!query.data) {
    return query.error ? (
      <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
        The fleet's health could not be loaded: {(query.error as Error).message}
      </p>
    ) : (
      <FleetSkeleton />
    );
  }
  return <Overview data={query.data.health} thresholds={thresholds} />;
}

function FleetSkeleton() {
  return (
    <div className="space-y-4" role="status" aria-busy="true" aria-label="Loading the fleet's health">
      <div className="h-16 animate-pulse rounded-xl bg-slate-200/70" />
      <div className="h-[480px] animate-pulse rounded-xl bg-slate-200/70" />
    </div>
  );
}

/** "Live · updated 12:00:03": the only part that changes on every poll. */
function LiveStatus() {
  const { dataUpdatedAt, isFetching, error } = useFeedStatus();
  return (
    <span className="ml-auto text-xs text-slate-500" aria-live="polite">
      {error ? (
        <span className="text-red-600">Live updates failing: {(error as Error).message}</span>
      ) : (
        <>
          Live · updated {new Date(dataUpdatedAt).toLocaleTimeString()}
          {isFetching ? " ·" : ""}
        </>
      )}
    </span>
  );
}

const Overview = memo(function Overview({ data, thresholds }: { data: FleetHealth; thresholds: Thresholds }) {
  const url = useUrlState();
  const tier = url.get("tier");
  const region = url.get("region");
  const status = url.get("status") as Status | null;
  const service = url.get("service");
  const version = url.get("version");

  const regions = useMemo(() => [...new Set(data.cells.map((c) => c.region))].sort(), [data.cells]);
  const services = useMemo(() => (service ? data.services.filter((s) => s === service) : data.services), [data.services, service]);
  const set = url.set;
  const onVersion = useCallback((v: string | null) => set("version", v), [set]);

  const filtered: CellState[] = useMemo(
    () =>
      data.cells.filter((c) => {
        if (tier && c.tier !== tier) return false;
        if (region && c.region !== region) return false;
        if (status) {
          const relevant = service ? c.services.filter((s) => s.service === service) : c.services;
          if (!relevant.some((s) => s.status === status)) return false;
        }
        return runsVersion(c, version, service);
      }),
    [data.cells, tier, region, status, service, version],
  );
  const versions = useMemo(() => versionOptions(data.cells), [data.cells]);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3" data-testid="status-counts">
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            onClick={() => url.set("status", status === s ? null : s)}
            aria-pressed={status === s}
            data-testid={`count-${s}`}
            className={`flex items-center gap-2 rounded-xl border bg-white px-4 py-2 text-left shadow-sm ${status === s ? "border-indigo-500 ring-2 ring-indigo-200" : "border-slate-200"}`}
          >
            <span className={`inline-flex h-6 w-6 items-center justify-center rounded-md ${STATUS_BG[s]}`}>
              <StatusGlyph status={s} className="h-3.5 w-3.5" />
            </span>
            <span>
              <span className="block text-xl font-semibold tabular-nums leading-6">{data.counts[s]}</span>
              <span className="block text-xs text-slate-500">{STATUS_LABEL[s]} cells</span>
            </span>
          </button>
        ))}
        <LiveStatus />
      </div>

      <div
        className="flex flex-wrap items-center gap-4 rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm"
        role="search"
        aria-label="Filters"
      >
        <Select label="Tier" name="tier" value={tier} options={TIERS} onChange={(v) => url.set("tier", v)} />
        <Select label="Region" name="region" value={region} options={regions} onChange={(v) => url.set("region", v)} />
        <Select label="Status" name="status" value={status} options={[...STATUSES]} onChange={(v) => url.set("status", v)} />
        <Select label="Service" name="service" value={service} options={data.services} onChange={(v) => url.set("service", v)} />
        <Select
          label="Version"
          name="version"
          value={version}
          options={version && !versions.includes(version) ? [version, ...versions] : versions}
          onChange={(v) => url.set("version", v)}
        />
        <span className="text-xs text-slate-500">
          {filtered.length} of {plural(data.cells.length, "cell")}
        </span>
      </div>

      <div className="grid gap-6 2xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card
          title={
            <span>
              Cell health{" "}
              <span className="font-normal text-slate-500">
                · {services.join(", ")} · hover or focus a tile for details, arrow keys to move
              </span>
            </span>
          }
        >
          <Heatmap cells={filtered} services={services} />
        </Card>
        <Card title="Cross-cell comparison">
          <ComparisonCharts cells={filtered} thresholds={thresholds} />
        </Card>
      </div>

      <Card title="Deployment status — which cells run which version">
        <VersionMatrix cells={filtered} services={services} version={version} onVersion={onVersion} />
      </Card>
    </div>
  );
});
