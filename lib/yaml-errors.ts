// The one way YAML readers report problems: read the file with `readYaml`, report each problem with
// `at(path, …)` (its line found from the document) or `atLine(line, …)`, and end with `throwIfAny()`,
// which throws every problem at once, sorted by line. A reader never returns anything partial.
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from "yaml";

export interface SpecError {
  /** 1-based line in the file, when known. */
  line?: number;
  /** Dotted path of the offending field, e.g. `cells[3].tier`. */
  field: string;
  message: string;
}

export class SpecValidationError extends Error {
  constructor(
    public readonly errors: SpecError[],
    public readonly file?: string,
  ) {
    super(formatSpecErrors(errors, file));
    this.name = "SpecValidationError";
  }
}

export function formatSpecErrors(errors: SpecError[], file?: string): string {
  return errors.map((e) => `${file ?? "input"}${e.line ? `:${e.line}` : ""}: ${e.field}: ${e.message}`).join("\n");
}

/** A path into a YAML document: mapping keys and sequence indexes. */
export type YamlPath = (string | number)[];

export const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

const byLine = (a: SpecError, b: SpecError) => (a.line ?? 0) - (b.line ?? 0);

/**
 * Where a missing field is reported: `"enclosing-node"` — the first line of the nearest node that
 * exists (the mapping it belongs in); `"enclosing-key"` — the line of the key that names that mapping
 * (a state-machine pipeline names its states by key, so a state's missing field points at its name).
 */
export type MissingFieldLine = "enclosing-node" | "enclosing-key";

/** Problems (and warnings) found in one document; reports them all together. */
export class SpecErrors {
  readonly errors: SpecError[] = [];
  readonly warnings: SpecError[] = [];

  constructor(
    /** The document the paths point into; absent when problems are reported by line only. */
    readonly doc?: Document.Parsed,
    private readonly lineOfNode: (node: unknown) => number | undefined = () => undefined,
    private readonly missingFieldLine: MissingFieldLine = "enclosing-node",
  ) {}

  /** How many problems so far (compare before and after a step to see whether it found any). */
  get count(): number {
    return this.errors.length;
  }

  /** The line of the node at `path`; for a missing field, see `MissingFieldLine`. */
  line(path: YamlPath): number | undefined {
    if (!this.doc) return undefined;
    if (this.missingFieldLine === "enclosing-key") {
      const exact = this.doc.getIn(path, true);
      if (exact && typeof exact === "object") return this.lineOfNode(exact);
      for (let n = path.length - 1; n > 0; n--) {
        const owner = this.doc.getIn(path.slice(0, n), true);
        if (!owner || typeof owner !== "object") continue;
        const key = path[n - 1];
        return typeof key === "string" ? this.keyLine(path.slice(0, n - 1), key) : this.lineOfNode(owner);
      }
    }
    return this.lineOfNode(nodeAt(this.doc, path));
  }

  /** The line of a mapping's key itself (`type:`, a state's name), not of its value. */
  keyLine(mapPath: YamlPath, key: string): number | undefined {
    const map = this.doc?.getIn(mapPath, true);
    if (isMap(map)) {
      const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (pair) return this.lineOfNode(pair.key);
    }
    return this.doc ? this.lineOfNode(nodeAt(this.doc, [...mapPath, key])) : undefined;
  }

  /** A problem with the field at `path`, reported on that field's line. */
  at(path: YamlPath, field: string, message: string): void {
    this.errors.push({ line: this.line(path), field, message });
  }

  /** A problem reported on a given line (a key's line, a line remembered earlier, none). */
  atLine(line: number | undefined, field: string, message: string): void {
    this.errors.push({ line, field, message });
  }

  /** A warning: the file is accepted, and the reader is told what was assumed. */
  warnAt(path: YamlPath, field: string, message: string): void {
    this.warnings.push({ line: this.line(path), field, message });
  }

  /** The warnings, sorted by line. */
  sortedWarnings(): SpecError[] {
    return [...this.warnings].sort(byLine);
  }

  /** Throws every problem found so far, sorted by line. */
  fail(): never {
    throw new SpecValidationError([...this.errors].sort(byLine));
  }

  throwIfAny(): void {
    if (this.errors.length) this.fail();
  }

  /** The document as plain values, which must be a mapping; otherwise fails at once on line 1. */
  rootMapping(expected: string, field = "(root)"): Record<string, unknown> {
    const root = this.doc?.toJS() as unknown;
    if (isRecord(root)) return root;
    this.atLine(1, field, expected);
    return this.fail();
  }
}

/**
 * Parse a YAML file for a reader. Syntax errors (and duplicate keys) are thrown at once, as a
 * SpecValidationError with field `(yaml)`; otherwise the collector for the reader's own checks.
 */
export function readYaml(text: string, opts: { missingFieldLine?: MissingFieldLine } = {}): SpecErrors {
  const { doc, lineOf, syntaxErrors } = parseLocated(text);
  if (syntaxErrors.length) throw new SpecValidationError(syntaxErrors);
  return new SpecErrors(doc, lineOf, opts.missingFieldLine);
}

export interface LocatedDoc {
  doc: Document.Parsed;
  lineOf: (node: unknown) => number | undefined;
  syntaxErrors: SpecError[];
}

export function parseLocated(text: string): LocatedDoc {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: unknown) => {
    const range = (node as Node | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  const syntaxErrors = [...doc.errors].map((e) => ({
    line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line,
    field: "(yaml)",
    message: e.message.split("\n")[0] ?? "invalid YAML",
  }));
  return { doc, lineOf, syntaxErrors };
}

/** The node at a path, for line lookups; falls back to the nearest existing ancestor. */
export function nodeAt(doc: Document.Parsed, path: YamlPath): unknown {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (node && typeof node === "object") return node;
  }
  return undefined;
}
