// Faults the simulator can inject: a bad version that raises the error rate, a latency spike in a
// region, a cell going silent, a feature flag whose code fails for the customers it is on for.
// Given on the command line (--fault) or in a JSON file (--faults).
// Pure: parsing, validation and matching.
import { z } from "zod";
import type { FaultEffect } from "./model";

const glob = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
/** Which services and cells a fault applies to (globs; every one by default). */
const where = { service: glob.default("*"), cells: glob.default("*") };
/** An error rate (fraction, 0–1). */
const errorRate = z.number().min(0).max(1).default(0.05);

export const faultSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("bad-version"),
      /** The version that misbehaves; only cells actually running it are affected. */
      version: z.string().min(1),
      ...where,
      /** The error rate while running it. */
      errorRate,
    })
    .strict(),
  z
    .object({
      kind: z.literal("latency"),
      region: glob,
      /** p99 latency in ms during the spike. */
      p99Ms: z.number().positive().max(3_600_000),
      ...where,
    })
    .strict(),
  z
    .object({
      kind: z.literal("flag"),
      /** The flag whose code misbehaves: a cell's error rate rises with the share of its customers it is on for. */
      flag: z.string().min(1),
      ...where,
      /** The error rate of a cell whose every customer has the flag on. */
      errorRate,
    })
    .strict(),
  z
    .object({
      kind: z.literal("silent"),
      /** Cell id or glob; the cell stops sending samples. */
      cell: glob,
      service: glob.default("*"),
    })
    .strict(),
]);

export type Fault = z.output<typeof faultSchema>;
export type FaultInput = z.input<typeof faultSchema>;

/** A faults file: `{"faults": [...]}` or a bare array — each checked in its own form, so errors name the field. */
const faultsListSchema = z.array(faultSchema);
const faultsObjectSchema = z.object({ faults: faultsListSchema }).strict();

/** `*` matches any run of characters, `?` one; several patterns match when any does. */
export function globMatch(pattern: string | string[], value: string): boolean {
  if (Array.isArray(pattern)) return pattern.some((p) => globMatch(p, value));
  if (pattern === "*") return true;
  if (!/[*?]/.test(pattern)) return pattern === value;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return re.test(value);
}

export interface PairContext {
  cell: string;
  region: string;
  service: string;
  /** The version the simulated cell × service runs now. */
  version: string;
  /** For `flag` faults: the share (0–1) of the cell's customers the flag is on for (0 when unknown). */
  flagShare?: (flag: string) => number;
}

/** The combined effect of every fault that applies to one pair: the worst values win. */
export function faultEffect(faults: readonly Fault[], p: PairContext): FaultEffect {
  const out: FaultEffect = { silent: false };
  for (const f of faults) {
    if (!globMatch(f.service, p.service)) continue;
    switch (f.kind) {
      case "silent":
        if (globMatch(f.cell, p.cell)) out.silent = true;
        break;
      case "bad-version":
        if (f.version === p.version && globMatch(f.cells, p.cell)) out.errorRate = Math.max(out.errorRate ?? 0, f.errorRate);
        break;
      case "latency":
        if (globMatch(f.region, p.region) && globMatch(f.cells, p.cell)) out.p99Ms = Math.max(out.p99Ms ?? 0, f.p99Ms);
        break;
      case "flag": {
        const share = globMatch(f.cells, p.cell) ? (p.flagShare?.(f.flag) ?? 0) : 0;
        if (share > 0) out.errorRate = Math.max(out.errorRate ?? 0, f.errorRate * share);
        break;
      }
    }
  }
  return out;
}

export class FaultParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultParseError";
  }
}

function issues(e: z.ZodError, root = "(fault)"): string {
  return e.issues.map((i) => `${i.path.join(".") || root}: ${i.message}`).join("; ");
}

const NUMERIC_KEYS = new Set(["errorRate", "p99Ms"]);

/**
 * One --fault argument: a JSON object, or the shorthand `kind:key=value,key=value`
 * (e.g. `bad-version:service=sms,version=v2.5.1,errorRate=0.05,cells=smb-*`). errorRate and
 * p99Ms are numbers; `|` separates several globs (`cells=smb-us-*|smb-eu-*`).
 */
export function parseFaultArg(arg: string): Fault {
  let raw: unknown;
  const text = arg.trim();
  if (text.startsWith("{")) {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new FaultParseError(`--fault ${arg}: not valid JSON`);
    }
  } else {
    const [kind, rest = ""] = text.split(/:(.*)/s, 2);
    const obj: Record<string, unknown> = { kind };
    for (const part of rest.split(",").filter(Boolean)) {
      const eq = part.indexOf("=");
      if (eq <= 0) throw new FaultParseError(`--fault ${arg}: expected key=value, got "${part}"`);
      const key = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim();
      obj[key] =
        NUMERIC_KEYS.has(key) && value !== "" && !Number.isNaN(Number(value))
          ? Number(value)
          : value.includes("|")
            ? value.split("|")
            : value;
    }
    raw = obj;
  }
  const parsed = faultSchema.safeParse(raw);
  if (!parsed.success) throw new FaultParseError(`--fault ${arg}: ${issues(parsed.error)}`);
  return parsed.data;
}

export type FaultsFileResult = { ok: true; faults: Fault[] } | { ok: false; message: string };

/** The text of a faults file; an empty file means no faults. */
export function parseFaultsFile(text: string): FaultsFileResult {
  if (text.trim() === "") return { ok: true, faults: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `not valid JSON (${(e as Error).message})` };
  }
  if (Array.isArray(raw)) {
    const list = faultsListSchema.safeParse(raw);
    return list.success ? { ok: true, faults: list.data } : { ok: false, message: issues(list.error) };
  }
  if (typeof raw !== "object" || raw === null) return { ok: false, message: 'expected {"faults": [...]} or an array of faults' };
  const file = faultsObjectSchema.safeParse(raw);
  return file.success ? { ok: true, faults: file.data.faults } : { ok: false, message: issues(file.error, "(file)") };
}

const list = (g: string | string[]) => (Array.isArray(g) ? g.join("|") : g);

/** One line for the log. */
export function describeFault(f: Fault): string {
  switch (f.kind) {
    case "bad-version":
      return `bad version ${f.version} of ${list(f.service)} in ${list(f.cells)}: error rate ${(f.errorRate * 100).toFixed(2)}%`;
    case "latency":
      return `latency spike in ${list(f.region)} (${list(f.service)}${f.cells === "*" ? "" : ` in ${list(f.cells)}`}): p99 ${f.p99Ms} ms`;
    case "silent":
      return `${list(f.cell)} silent${f.service === "*" ? "" : ` (${list(f.service)})`}`;
    case "flag":
      return `flag ${f.flag} failing (${list(f.service)}${f.cells === "*" ? "" : ` in ${list(f.cells)}`}): error rate ${(f.errorRate * 100).toFixed(2)}% × the share of customers it is on for`;
  }
}
