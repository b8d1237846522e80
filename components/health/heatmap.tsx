"use client";
// The cell × service heatmap: one tile per pair, grouped by tier then region. Virtualised rows so
// thousands of cells stay smooth; one roving tab stop with arrow-key navigation; a details panel
// follows hover and focus. Tiles are plain links with one class, and the grid handles their hover,
// focus, keys and clicks (client-side navigation, no prefetching: hundreds of visible links would
// each fetch a page the user is unlikely to open), so a tile costs little to render, send and
// hydrate. The panel has a state of its own (a small store), so hovering re-renders
// the panel and not the grid, and only the panel keeps a clock ("5s ago") while it is open.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRouter } from "next/navigation";
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import type { CellState, ServiceState } from "@/lib/health/fleet-health";
import styles from "./heatmap.module.css";
import { fmtAgo, fmtMs, fmtPct, STATUS_BG, STATUS_LABEL, StatusGlyph } from "./status";

const TILE = 18;
const GAP = 3;
const BLOCK_PAD = 12;
const HEADER_H = 30;
const ROW_H = 54;

type Placed = { cell: CellState; index: number };
type Row =
  | { kind: "header"; key: string; tier: string; cells: number; bad: number }
  | { kind: "line"; key: string; groups: { region: string; total: number; cells: Placed[] }[]; cells: Placed[] };

interface Tile {
  cell: CellState;
  cellIndex: number;
  svc: ServiceState;
  row: number;
}

type Tip = { idx: number; x: number; y: number } | null;

/** The details panel's state, outside React's tree state: setting it renders the panel only. */
function createTipStore() {
  let tip: Tip = null;
  const listeners = new Set<() => void>();
  return {
    get: () => tip,
    set(next: Tip) {
      if (next === tip || (next && tip && next.idx === tip.idx && next.x === tip.x && next.y === tip.y)) return;
      tip = next;
      for (const l of listeners) l();
    },
    subscribe(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
type TipStore = ReturnType<typeof createTipStore>;

// Rendered on the server with this viewport (the grid's max height), then measured in the browser.
const INITIAL_RECT = { width: 1000, height: 640 };

export const Heatmap = memo(function Heatmap({ cells, services }: { cells: CellState[]; services: string[] }) {
  const parentRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(INITIAL_RECT.width);
  const [tip] = useState(createTipStore);
  const [focusIdx, setFocusIdx] = useState(0);
  const pendingFocus = useRef<number | null>(null);
  const router = useRouter();

  useLayoutEffect(() => {
    const el = parentRef.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => setWidth(e!.contentRect.width));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  // Wide enough for the tiles and for the longest cell name above them (10 px monospace ≈ 6.2 px a character): no name is cut off.
  const longestId = useMemo(() => cells.reduce((m, c) => Math.max(m, c.id.length), 0), [cells]);
  const blockW = Math.max(services.length * (TILE + GAP) - GAP, 124, Math.ceil(longestId * 6.2)) + BLOCK_PAD;
  const GROUP_PAD = 16;

  // Tier headers, then lines packed with region groups (a wide region wraps onto more lines).
  const { rows, offset, rowOf, shown } = useMemo(() => {
    const rows: Row[] = [];
    const usable = Math.max(blockW + GROUP_PAD, width - 8);
    const perLine = Math.max(1, Math.floor((usable - GROUP_PAD) / blockW));
    let i = 0;
    while (i < cells.length) {
      const tier = cells[i]!.tier;
      let j = i;
      while (j < cells.length && cells[j]!.tier === tier) j++;
      const tierCells = cells.slice(i, j);
      rows.push({
        kind: "header",
        key: `h:${tier}`,
        tier,
        cells: tierCells.length,
        bad: tierCells.filter((c) => c.status === "red").length,
      });
      let line: Extract<Row, { kind: "line" }> | null = null;
      let used = 0;
      let k = i;
      while (k < j) {
        const region = cells[k]!.region;
        let m = k;
        while (m < j && cells[m]!.region === region) m++;
        const total = m - k;
        for (let start = k; start < m; ) {
          const room = line ? Math.floor((usable - used - GROUP_PAD) / blockW) : perLine;
          if (!line || room < Math.min(m - start, perLine === 1 ? 1 : 2) || room < 1) {
            line = { kind: "line", key: `l:${cells[start]!.id}`, groups: [], cells: [] };
            rows.push(line);
            used = 0;
            continue;
          }
          const take = Math.min(room, m - start);
          const placed = cells.slice(start, start + take).map((cell, n) => ({ cell, index: start + n }));
          line.groups.push({ region, total, cells: placed });
          line.cells.push(...placed);
          used += take * blockW + GROUP_PAD;
          start += take;
        }
        k = m;
      }
      i = j;
    }
    // Tiles are numbered in cell order, each cell's shown services in turn: tile numbers come from
    // per-cell offsets, not from an object per tile (25,000 of them for 5,000 cells).
    const shown = new Set(services);
    const offset = new Int32Array(cells.length + 1);
    for (let c = 0; c < cells.length; c++) {
      let n = 0;
      for (const s of cells[c]!.services) if (shown.has(s.service)) n++;
      offset[c + 1] = offset[c]! + n;
    }
    const rowOf = new Int32Array(cells.length);
    rows.forEach((row, r) => {
      if (row.kind === "line") for (const p of row.cells) rowOf[p.index] = r;
    });
    return { rows, offset, rowOf, shown };
  }, [cells, services, width, blockW]);
  const tileCount = offset[cells.length]!;
  const shownOf = (cell: CellState) => cell.services.filter((s) => shown.has(s.service));
  /** Tile number `idx`: its cell (by binary search over the offsets), service and row. */
  const tileAt = (idx: number): Tile | undefined => {
    if (idx < 0 || idx >= tileCount) return undefined;
    let lo = 0,
      hi = cells.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offset[mid]! <= idx) lo = mid;
      else hi = mid - 1;
    }
    const cell = cells[lo]!;
    return { cell, cellIndex: lo, svc: shownOf(cell)[idx - offset[lo]!]!, row: rowOf[lo]! };
  };
  const tileNumber = (cellIndex: number, service: string) => {
    const at = shownOf(cells[cellIndex]!).findIndex((s) => s.service === service);
    return offset[cellIndex]! + Math.max(0, at);
  };

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parentRef.current,
    estimateSize: (i) => (rows[i]!.kind === "header" ? HEADER_H : ROW_H),
    overscan: 3,
    initialRect: INITIAL_RECT,
  });

  useEffect(() => {
    if (pendingFocus.current === null) return;
    const el = parentRef.current?.querySelector<HTMLElement>(`[data-tile="${pendingFocus.current}"]`);
    if (el) {
      el.focus();
      pendingFocus.current = null;
    }
  });

  const move = (from: number, key: string) => {
    const here = tileAt(from)!;
    let to = from;
    if (key === "ArrowRight") to = Math.min(tileCount - 1, from + 1);
    else if (key === "ArrowLeft") to = Math.max(0, from - 1);
    else if (key === "ArrowDown" || key === "ArrowUp") {
      const dir = key === "ArrowDown" ? 1 : -1;
      let r = here.row + dir;
      while (r >= 0 && r < rows.length && rows[r]!.kind !== "line") r += dir;
      const target = rows[r];
      if (target?.kind === "line") {
        const current = rows[here.row] as Extract<Row, { kind: "line" }>;
        const pos = current.cells.findIndex((c) => c.index === here.cellIndex);
        const dest = target.cells[Math.min(pos, target.cells.length - 1)]!;
        to = tileNumber(dest.index, here.svc.service);
      }
    } else if (key === "Home") to = 0;
    else if (key === "End") to = tileCount - 1;
    else return false;
    setFocusIdx(to);
    pendingFocus.current = to;
    virtualizer.scrollToIndex(tileAt(to)!.row, { align: "auto" });
    return true;
  };

  // Tiles are plain links; hover, focus, keys and clicks are handled once, on the grid.
  const tileOf = (target: EventTarget) => (target as Element).closest?.<HTMLElement>("[data-tile]") ?? null;
  const place = (el: HTMLElement) => {
    const r = el.getBoundingClientRect();
    const p = parentRef.current!.getBoundingClientRect();
    tip.set({ idx: Number(el.dataset.tile), x: r.left - p.left + TILE / 2, y: r.bottom - p.top });
  };
  const grid = {
    onMouseOver: (e: React.MouseEvent) => {
      const el = tileOf(e.target);
      if (el) place(el);
    },
    onFocus: (e: React.FocusEvent) => {
      const el = tileOf(e.target);
      if (!el) return;
      setFocusIdx(Number(el.dataset.tile));
      place(el);
    },
    onBlur: (e: React.FocusEvent) => {
      if (tileOf(e.target)) tip.set(null);
    },
    onKeyDown: (e: React.KeyboardEvent) => {
      const el = tileOf(e.target);
      if (el && move(Number(el.dataset.tile), e.key)) e.preventDefault();
    },
    // Client-side navigation for the links inside (a new tab, a download etc. stay the browser's).
    onClick: (e: React.MouseEvent) => {
      const a = (e.target as Element).closest?.<HTMLAnchorElement>("a[data-nav]");
      if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      router.push(a.getAttribute("href")!);
    },
  };

  const renderTile = (cell: CellState, svc: ServiceState, idx: number) => {
    return (
      <a
        key={svc.service}
        href={`/cells/${cell.id}?service=${svc.service}`}
        data-nav=""
        role="gridcell"
        data-tile={idx}
        data-testid={`tile-${cell.id}-${svc.service}`}
        data-status={svc.status}
        tabIndex={idx === focusIdx ? 0 : -1}
        aria-label={`${cell.id} ${svc.service}: ${STATUS_LABEL[svc.status]}${svc.reasons.length ? ` (${svc.reasons.join(", ")})` : ""}, version ${svc.observedVersion ?? "unknown"}`}
        className={`${styles.tile} ${STATUS_BG[svc.status]}`}
      >
        <StatusGlyph status={svc.status} className={styles.glyph} />
      </a>
    );
  };

  if (cells.length === 0) return <p className="py-10 text-center text-sm text-slate-500">No cells match these filters.</p>;

  return (
    <div className="relative">
      <div
        ref={parentRef}
        className="max-h-[640px] overflow-auto rounded-lg"
        role="grid"
        aria-label="Cell × service health heatmap"
        aria-rowcount={rows.length}
        data-testid="heatmap"
        onMouseLeave={() => tip.set(null)}
        {...grid}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((vi) => {
            const row = rows[vi.index]!;
            return (
              // biome-ignore lint/a11y/useFocusableInteractive: in an ARIA grid the cells take focus (roving tab index), not the rows
              <div
                key={row.key}
                role="row"
                style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${vi.start}px)`, height: vi.size }}
              >
                {row.kind === "header" ? (
                  // biome-ignore lint/a11y/useFocusableInteractive: a row header of the grid; the tiles take focus
                  <div
                    className="flex items-end gap-2 border-b border-slate-100 pb-1 pt-2 text-xs font-semibold uppercase tracking-wide text-slate-600"
                    role="rowheader"
                  >
                    <span>{row.tier}</span>
                    <span className="font-normal normal-case text-slate-500">
                      {row.cells} cell{row.cells === 1 ? "" : "s"}
                      {row.bad ? ` · ${row.bad} unhealthy` : ""}
                    </span>
                  </div>
                ) : (
                  <div className="flex pt-1.5">
                    {row.groups.map((g) => (
                      <div
                        key={`${g.region}:${g.cells[0]!.cell.id}`}
                        className="mr-2 border-l-2 border-slate-200 pl-2"
                        style={{ paddingRight: GROUP_PAD - 10 }}
                      >
                        <div className="text-[10px] font-medium leading-3 text-slate-500">
                          {g.region}
                          {g.total > g.cells.length ? " (cont.)" : ""}
                        </div>
                        <div className="flex">
                          {g.cells.map(({ cell, index }) => (
                            <div key={cell.id} style={{ width: blockW }} className="pr-3" data-cell={cell.id}>
                              {/* The cell's name: a cell of the grid's row like the tiles (which take the focus). */}
                              <a
                                href={`/cells/${cell.id}`}
                                data-nav=""
                                tabIndex={-1}
                                role="gridcell"
                                className="block truncate font-mono text-[10px] leading-4 text-slate-500 hover:text-indigo-700"
                                title={cell.id}
                              >
                                {cell.id}
                              </a>
                              <div className="flex" style={{ gap: GAP }}>
                                {shownOf(cell).map((svc, n) => renderTile(cell, svc, offset[index]! + n))}
                              </div>
                            </div>
                          ))}
                        </div>
                      </div>
                    ))}
                  </div>
                )}
              </div>
            );
          })}
        </div>
      </div>
      <TileDetails store={tip} tileAt={tileAt} width={width} />
    </div>
  );
});

/** The details panel of the hovered or focused tile, with its own clock while open. */
function TileDetails({ store, tileAt, width }: { store: TipStore; tileAt: (idx: number) => Tile | undefined; width: number }) {
  const active = useSyncExternalStore(store.subscribe, store.get, () => null);
  const activeTile = active ? tileAt(active.idx) : undefined;
  const [now, setNow] = useState(() => Date.now());
  const open = activeTile !== undefined;
  useEffect(() => {
    if (!open) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [open]);
  if (!activeTile || !active) return null;
  return (
    <div
      role="tooltip"
      data-testid="tile-details"
      className="pointer-events-none absolute z-20 w-64 -translate-x-1/2 rounded-lg border border-slate-200 bg-white p-3 text-xs shadow-xl"
      style={{ left: Math.min(Math.max(active.x, 130), width - 130), top: active.y + 6 }}
    >
      <div className="mb-1 flex items-center justify-between">
        <span className="font-mono font-semibold">{activeTile.cell.id}</span>
        <span className="font-medium">{activeTile.svc.service}</span>
      </div>
      <div className={`mb-2 flex items-center gap-1 font-medium`}>
        <span className={`inline-flex h-4 w-4 items-center justify-center rounded-sm ${STATUS_BG[activeTile.svc.status]}`}>
          <StatusGlyph status={activeTile.svc.status} className="h-2.5 w-2.5" />
        </span>
        {STATUS_LABEL[activeTile.svc.status]}
        {activeTile.svc.since && <span className="font-normal text-slate-500"> since {fmtAgo(activeTile.svc.since, now)}</span>}
      </div>
      {activeTile.svc.reasons.length > 0 && (
        <ul className="mb-2 list-disc pl-4 text-red-700">
          {activeTile.svc.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      <dl className="grid grid-cols-2 gap-x-3 gap-y-0.5">
        <dt className="text-slate-500">Error rate</dt>
        <dd className="tabular-nums">{fmtPct(activeTile.svc.errorRate)}</dd>
        <dt className="text-slate-500">p99</dt>
        <dd className="tabular-nums">{fmtMs(activeTile.svc.p99Ms)}</dd>
        <dt className="text-slate-500">CPU</dt>
        <dd className="tabular-nums">{fmtPct(activeTile.svc.cpu)}</dd>
        <dt className="text-slate-500">RPS</dt>
        <dd className="tabular-nums">{activeTile.svc.rps === null ? "—" : Math.round(activeTile.svc.rps)}</dd>
        <dt className="text-slate-500">Version</dt>
        <dd className="font-mono">
          {activeTile.svc.observedVersion ?? "—"}
          {activeTile.svc.desiredVersion && activeTile.svc.desiredVersion !== activeTile.svc.observedVersion && (
            <span className="text-amber-700"> → {activeTile.svc.desiredVersion}</span>
          )}
        </dd>
        <dt className="text-slate-500">Last sample</dt>
        <dd>{fmtAgo(activeTile.svc.lastSampleAt, now)}</dd>
      </dl>
    </div>
  );
}
