import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("defaults to the embedded database with the demo on", () => {
    const e = parseEnv({});
    expect(e).toMatchObject({
      PORT: 3000,
      CELLPLANE_PG_PORT: 54320,
      CELLPLANE_DATA_DIR: ".data",
      embedded: true,
      demo: true,
      CELLPLANE_DEMO_PASSWORD: "cellplane",
      nextAuthUrl: "http://localhost:3000",
    });
  });
  it("uses DATABASE_URL and turns the demo off by default with it", () => {
    const e = parseEnv({ DATABASE_URL: "postgresql://u:p@db:5432/cp" });
    expect(e).toMatchObject({ embedded: false, demo: false });
    expect(parseEnv({ DATABASE_URL: "postgres://db/cp", CELLPLANE_DEMO: "1" }).demo).toBe(true);
  });
  it.each([
    [{ PORT: "eighty" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ CELLPLANE_PG_PORT: "0" }, "CELLPLANE_PG_PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ CELLPLANE_DEMO: "maybe" }, "CELLPLANE_DEMO"],
    [{ NEXTAUTH_URL: "not a url" }, "NEXTAUTH_URL"],
    [{ NEXTAUTH_SECRET: "short" }, "NEXTAUTH_SECRET"],
    [{ NODE_ENV: "production", DATABASE_URL: "postgres://db/cp" }, "NEXTAUTH_SECRET"],
    [{ CELLPLANE_SIMULATOR_TOKEN: "cp_" }, "CELLPLANE_SIMULATOR_TOKEN"],
    [{ CELLPLANE_DB_POOL: "lots" }, "CELLPLANE_DB_POOL"],
    [{ CELLPLANE_DB_POOL: "requests=0" }, "CELLPLANE_DB_POOL"],
    [{ CELLPLANE_DB_POOL: "requests=10,ofrep=4" }, "CELLPLANE_DB_POOL"],
    [{ CELLPLANE_DB_POOL: "wait=0" }, "CELLPLANE_DB_POOL"],
  ])("rejects %j naming %s", (source, variable) => {
    expect(() => parseEnv(source)).toThrow(EnvError);
    try {
      parseEnv(source);
    } catch (e) {
      expect((e as EnvError).issues.map((i) => i.variable)).toContain(variable);
      expect((e as Error).message).toContain(variable);
    }
  });
  it("runs the simulator in demo mode unless CELLPLANE_SIMULATOR=0", () => {
    expect(parseEnv({}).simulator).toBe(true);
    expect(parseEnv({ CELLPLANE_SIMULATOR: "0" }).simulator).toBe(false);
    expect(parseEnv({ DATABASE_URL: "postgres://db/cp" }).simulator).toBe(false);
    expect(parseEnv({ CELLPLANE_SIMULATOR_TOKEN: "cp_abcdefghijkl" }).CELLPLANE_SIMULATOR_TOKEN).toBe("cp_abcdefghijkl");
  });
  it("sizes the database pools from CELLPLANE_DB_POOL", () => {
    expect(parseEnv({}).CELLPLANE_DB_POOL).toEqual({ requests: 10, telemetry: 6, background: 3, waitMs: 10_000 });
    expect(parseEnv({ CELLPLANE_DB_POOL: "20" }).CELLPLANE_DB_POOL).toEqual({ requests: 20, telemetry: 6, background: 3, waitMs: 10_000 });
    expect(parseEnv({ CELLPLANE_DB_POOL: "requests=4, background=2,wait=0.5" }).CELLPLANE_DB_POOL).toEqual({
      requests: 4,
      telemetry: 6,
      background: 2,
      waitMs: 500,
    });
  });
  it("treats empty strings as unset", () => {
    expect(parseEnv({ PORT: "", DATABASE_URL: "" })).toMatchObject({ PORT: 3000, embedded: true });
  });
});
