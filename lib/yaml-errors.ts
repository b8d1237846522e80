// Shared helpers for YAML documents whose errors must name a line and a field.
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";

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
export function nodeAt(doc: Document.Parsed, path: (string | number)[]): unknown {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (node && typeof node === "object") return node;
  }
  return undefined;
}

export { isMap, isSeq };
