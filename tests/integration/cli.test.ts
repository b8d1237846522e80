import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkToken } from "@/lib/auth/server/users";
import { freshDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cellplane-cli-"));
beforeAll(async () => {
  t = await freshDatabase("cli");
});
afterAll(() => t.drop());

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ["bin/cellplane.mjs", ...args], {
    env: { ...process.env, DATABASE_URL: t.url, NODE_ENV: "development" },
    input,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const cells = async () => Number((await t.query<{ n: string }>("SELECT count(*) n FROM cells"))[0]!.n);

describe("npx cellplane", () => {
  it("import fleet: a broken file names the line and field, exits non-zero and writes nothing", async () => {
    const bad = path.join(tmp, "bad.yaml");
    fs.writeFileSync(
      bad,
      "template:\n  services: [sms, voice]\ncells:\n  - { id: smb-us-1, tier: smb, region: us-east-1 }\n  - { id: smb-us-2, tier: platinum, region: us-east-1 }\n",
    );
    const r = cli(["import", "fleet", bad]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:5: cells[1].tier: unknown tier "platinum"`);
    expect(r.err).toContain("Nothing was changed");
    expect(await cells()).toBe(0);

    const syntax = path.join(tmp, "syntax.yaml");
    fs.writeFileSync(syntax, "template:\n  services: [sms\ncells: []\n");
    const s = cli(["import", "fleet", syntax]);
    expect(s.code).toBe(1);
    expect(s.err).toMatch(/syntax\.yaml:\d+: \(yaml\)/);
    expect(await cells()).toBe(0);
  });

  it("import, export and diff fleet round-trip the example; diff exits 2 on drift", async () => {
    expect(cli(["import", "fleet", "examples/fleet.yaml"]).code).toBe(0);
    expect(await cells()).toBe(16);
    expect(cli(["diff", "fleet", "examples/fleet.yaml"])).toMatchObject({ code: 0 });
    const exported = cli(["export", "fleet"]);
    expect(exported.code).toBe(0);
    const file = path.join(tmp, "exported.yaml");
    fs.writeFileSync(file, exported.out);
    expect(cli(["diff", "fleet", file]).code).toBe(0);
    const drifted = path.join(tmp, "drifted.yaml");
    fs.writeFileSync(drifted, exported.out.replace("smb-us-5,", "smb-us-6,"));
    const d = cli(["diff", "fleet", drifted]);
    expect(d.code).toBe(2);
    expect(d.out).toContain("+ cell smb-us-6");
    expect(d.out).toContain("- cell smb-us-5");
    expect(await t.query("SELECT 1 FROM cells WHERE id = 'smb-us-6'")).toEqual([]);
  });

  it("token create prints a working token once; user create reads the password from stdin", async () => {
    const r = cli(["token", "create", "--name", "gateway", "--scopes", "gateway:read,fleet:read"]);
    expect(r.code).toBe(0);
    const token = r.out.trim();
    expect(token).toMatch(/^cp_/);
    expect(await checkToken(t.prisma, `Bearer ${token}`, "gateway:read")).toMatchObject({ ok: true });
    expect(cli(["token", "create", "--name", "x", "--scopes", "nope:read"]).code).toBe(1);

    const u = cli(["user", "create", "--email", "oncall@example.com", "--role", "SRE", "--name", "On Call"], "s3cret-password\n");
    expect(u.code).toBe(0);
    expect((await t.prisma.user.findUnique({ where: { email: "oncall@example.com" } }))?.role).toBe("SRE");
    expect(cli(["user", "create", "--email", "x@example.com", "--role", "KING"], "s3cret-password\n").code).toBe(1);
  });

  it("unknown commands print usage with exit 64", () => {
    const r = cli(["frobnicate"]);
    expect(r.code).toBe(64);
    expect(r.err).toContain("Usage: cellplane");
  });
});
