import fs from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/api/openapi";
import { operations } from "@/lib/api/operations";

/** Every (method, path) served under app/api/v1, read from the route files themselves. */
function servedRoutes(): { method: string; path: string }[] {
  const root = path.resolve("app/api/v1");
  const out: { method: string; path: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === "route.ts") {
        const rel = path
          .relative(root, path.dirname(p))
          .split(path.sep)
          .map((s) => s.replace(/^\[(\w+)\]$/, "{$1}"))
          .join("/");
        const apiPath = `/api/v1${rel ? `/${rel}` : ""}`;
        const src = fs.readFileSync(p, "utf8");
        for (const m of src.matchAll(/export\s+(?:const|async function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g))
          out.push({ method: m[1]!.toLowerCase(), path: apiPath });
        for (const m of src.matchAll(/export\s*\{([^}]*)\}/g)) {
          for (const name of m[1]!.split(",").map(
            (s) =>
              s
                .trim()
                .split(/\s+as\s+/)
                .pop()!,
          )) {
            if (/^(GET|POST|PUT|PATCH|DELETE)$/.test(name)) out.push({ method: name.toLowerCase(), path: apiPath });
          }
        }
      }
    }
  };
  walk(root);
  return out;
}

describe("OpenAPI 3.1 document", () => {
  const doc = openApiDocument(operations, "test") as { openapi: string; paths: Record<string, Record<string, unknown>> };

  it("is a valid OpenAPI 3.1 document, every schema in it valid JSON Schema 2020-12", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(validator.version).toBe("3.1");
    // The OpenAPI schema takes any object as a Schema Object; check each against the 2020-12 meta-schema.
    const ajv = new Ajv2020({ strict: false });
    const schemas: { at: string; schema: unknown }[] = [];
    const collect = (v: unknown, at: string) => {
      if (!v || typeof v !== "object") return;
      for (const [k, x] of Object.entries(v)) {
        if (k === "schema" && x && typeof x === "object") schemas.push({ at: `${at}/schema`, schema: x });
        else collect(x, `${at}/${k}`);
      }
    };
    collect(doc.paths, "paths");
    expect(schemas.length).toBeGreaterThan(operations.length);
    const invalid = schemas.filter(({ schema }) => !ajv.validateSchema(schema as object)).map(({ at }) => `${at}: ${ajv.errorsText()}`);
    expect(invalid).toEqual([]);
  });

  it("documents every route under app/api/v1", () => {
    const missing = servedRoutes()
      .filter((r) => r.path !== "/api/v1/openapi.json")
      .filter((r) => !doc.paths[r.path]?.[r.method])
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it("documents nothing that is not served", () => {
    const served = new Set(servedRoutes().map((r) => `${r.method} ${r.path}`));
    const extra = Object.entries(doc.paths)
      .flatMap(([p, ms]) => Object.keys(ms).map((m) => `${m} ${p}`))
      .filter((k) => !served.has(k));
    expect(extra).toEqual([]);
  });
});
