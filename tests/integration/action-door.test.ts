// The one door itself (lib/auth/server/action.ts), against a real PostgreSQL: who may call, what
// input is accepted, how refusals come back, and that a change and its audit events commit together
// — or not at all, including when a run forgets its audit event.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { Principal } from "@/lib/auth/roles";
import { type ActionOutcome, defineAction, MissingAuditError } from "@/lib/auth/server/action";
import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { SpecValidationError } from "@/lib/yaml-errors";
import { freshDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase("door");
});
afterAll(() => t.drop());

const admin: Principal = { id: "u-admin", email: "admin@example.com", name: "Admin", role: "ADMIN" };
const viewer: Principal = { id: "u-viewer", email: "viewer@example.com", name: "Viewer", role: "VIEWER" };

/** A change the tests can see: one marker row. */
const mark = (tx: Tx, key: string) => tx.systemMarker.create({ data: { key } });
const marked = async (key: string) => (await t.prisma.systemMarker.count({ where: { key } })) === 1;
const audits = (targetId: string) => t.prisma.auditEvent.findMany({ where: { targetId }, orderBy: { id: "asc" } });

const input = z.object({ key: z.string().min(3, "at least 3 characters"), count: z.coerce.number().int().min(1, "at least 1") });

/** An action anyone may run (`define`: the door's defineAction): it marks its key, then `then` returns the outcome or throws. */
function markThen<T>(name: string, then: (key: string, count: number) => ActionOutcome<T>, define = defineAction) {
  return define({
    name,
    permission: () => true,
    input,
    async run({ tx, input }) {
      await mark(tx, input.key);
      return then(input.key, input.count);
    },
  });
}

const markAction = defineAction({
  name: "mark things",
  permission: (u) => u.role === "ADMIN",
  input,
  async run({ tx, input }) {
    await mark(tx, input.key);
    return { data: { key: input.key }, audit: { action: "marker.create", targetType: "marker", targetId: input.key, after: input } };
  },
});

describe("defineAction", () => {
  it("carries its definition: name, permission and input schema", () => {
    expect(markAction.definition.name).toBe("mark things");
    expect(markAction.definition.permission(admin)).toBe(true);
    expect(markAction.definition.permission(viewer)).toBe(false);
    expect(markAction.definition.input).toBe(input);
  });

  it.each<[string, Principal | null, string, string, string]>([
    ["no user: UNAUTHENTICATED, nothing runs", null, "anon", "UNAUTHENTICATED", "Sign in first."],
    [
      "a role the permission refuses: FORBIDDEN naming the role and the action, nothing runs",
      viewer,
      "viewer",
      "FORBIDDEN",
      "Your role (VIEWER) may not mark things.",
    ],
  ])("%s", async (_, user, key, code, message) => {
    expect(await markAction.runAs(user, { key, count: 1 }, { db: t.prisma })).toEqual({ ok: false, code, message });
    expect(await marked(key)).toBe(false);
  });

  it("invalid input: INVALID with an error per field, nothing runs (FormData is read like an object)", async () => {
    expect(await markAction.runAs(admin, { key: "x", count: 0 }, { db: t.prisma })).toEqual({
      ok: false,
      code: "INVALID",
      message: "Some fields are not valid.",
      fieldErrors: { key: ["at least 3 characters"], count: ["at least 1"] },
    });
    const fd = new FormData();
    fd.set("$ACTION_ID_abc", "");
    fd.set("key", "x");
    fd.set("count", "2");
    expect(await markAction.runAs(admin, fd, { db: t.prisma })).toMatchObject({
      code: "INVALID",
      fieldErrors: { key: ["at least 3 characters"] },
    });
    expect(await marked("x")).toBe(false);
  });

  it("success: the data, and the change with its audit events (actor: the user) in one transaction", async () => {
    const fd = new FormData();
    fd.set("key", "from-form");
    fd.set("count", "2");
    expect(await markAction.runAs(admin, fd, { db: t.prisma })).toEqual({ ok: true, data: { key: "from-form" } });
    expect(await marked("from-form")).toBe(true);
    const [ev, ...rest] = await audits("from-form");
    expect(rest).toEqual([]);
    expect(ev).toMatchObject({
      actor: "admin@example.com",
      action: "marker.create",
      targetType: "marker",
      after: { key: "from-form", count: 2 },
    });
    const [row] = await t.query<{ same: boolean }>(
      `SELECT (SELECT xmin FROM system_markers WHERE key = 'from-form') = (SELECT xmin FROM audit_events WHERE target_id = 'from-form') AS same`,
    );
    expect(row!.same).toBe(true);
  });

  it("an event may name its own actor (a change made on someone's behalf)", async () => {
    const behalf = markThen("mark on behalf", (key) => {
      const ev = { targetType: "marker", targetId: key };
      return {
        data: null,
        audit: [
          { ...ev, action: "marker.create" },
          { ...ev, action: "marker.note", actor: "system:ticker" },
        ],
      };
    });
    expect(await behalf.runAs(admin, { key: "behalf", count: 1 }, { db: t.prisma })).toEqual({ ok: true, data: null });
    expect((await audits("behalf")).map((e) => [e.action, e.actor])).toEqual([
      ["marker.create", "admin@example.com"],
      ["marker.note", "system:ticker"],
    ]);
  });

  it("a domain error: its code, message and field errors; the change is rolled back", async () => {
    const conflicting = markThen("conflict", () => {
      throw new DomainError("CONFLICT", "someone else changed it", { key: ["changed meanwhile"] });
    });
    expect(await conflicting.runAs(admin, { key: "conflict", count: 1 }, { db: t.prisma })).toEqual({
      ok: false,
      code: "CONFLICT",
      message: "someone else changed it",
      fieldErrors: { key: ["changed meanwhile"] },
      specErrors: undefined,
    });
    expect(await marked("conflict")).toBe(false);
  });

  it("an invalid file: INVALID with the file's errors by line; nothing changed", async () => {
    const importing = markThen("import", () => {
      throw new SpecValidationError([{ line: 3, field: "cells[0].tier", message: "unknown tier" }]);
    });
    expect(await importing.runAs(admin, { key: "file", count: 1 }, { db: t.prisma })).toEqual({
      ok: false,
      code: "INVALID",
      message: "The file is not valid. Nothing was changed.",
      specErrors: [{ line: 3, field: "cells[0].tier", message: "unknown tier" }],
    });
    expect(await marked("file")).toBe(false);
  });

  it("an unexpected error: a generic ERROR, logged; nothing changed", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = markThen("break", () => {
      throw new Error("disk on fire");
    });
    expect(await broken.runAs(admin, { key: "broken", count: 1 }, { db: t.prisma })).toEqual({
      ok: false,
      code: "ERROR",
      message: "Something went wrong; nothing was changed.",
    });
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
    expect(await marked("broken")).toBe(false);
  });

  const noAudit = (): ActionOutcome<null> => ({ data: null, audit: [] });
  const silent = markThen("change silently", noAudit);

  it("a run that writes rows and returns no audit event fails loudly (development, tests) and changes nothing", async () => {
    const e = await silent.runAs(admin, { key: "silent", count: 1 }, { db: t.prisma }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MissingAuditError);
    expect((e as Error).message).toBe('action "change silently" wrote 1 row(s) and returned no audit event; nothing was changed');
    expect(await marked("silent")).toBe(false);
    expect(await audits("silent")).toEqual([]);
  });

  it("in production the same run is refused with ERROR and rolled back", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.resetModules();
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const door = await import("@/lib/auth/server/action");
      const prodSilent = markThen("change silently", noAudit, door.defineAction);
      expect(await prodSilent.runAs(admin, { key: "silent-prod", count: 1 }, { db: t.prisma })).toEqual({
        ok: false,
        code: "ERROR",
        message: "Something went wrong; nothing was changed.",
      });
      expect(log).toHaveBeenCalledOnce();
    } finally {
      log.mockRestore();
      vi.unstubAllEnvs();
      vi.resetModules();
    }
    expect(await marked("silent-prod")).toBe(false);
  });

  it("a run that only reads may return no audit event (a preview; row locks are not writes)", async () => {
    await t.prisma.systemMarker.create({ data: { key: "existing" } });
    const preview = defineAction({
      name: "preview",
      permission: () => true,
      input,
      async run({ tx, input }) {
        await tx.$queryRaw`SELECT key FROM system_markers WHERE key = 'existing' FOR UPDATE`;
        await tx.systemMarker.createMany({ data: [{ key: "existing" }], skipDuplicates: true }); // conflicts: writes nothing
        return { data: await tx.systemMarker.count({ where: { key: input.key } }), audit: [] };
      },
    });
    expect(await preview.runAs(admin, { key: "existing", count: 1 }, { db: t.prisma })).toEqual({ ok: true, data: 1 });
  });

  it("afterCommit runs after a successful change only", async () => {
    const seen: string[] = [];
    const withHook = defineAction({
      name: "hooked",
      permission: () => true,
      input,
      async run({ tx, input }) {
        await mark(tx, input.key);
        if (input.count > 1) throw new DomainError("INVALID", "too many");
        return { data: input.key, audit: { action: "marker.create", targetType: "marker", targetId: input.key } };
      },
      afterCommit: (key) => seen.push(key),
    });
    await withHook.runAs(admin, { key: "hook-1", count: 1 }, { db: t.prisma });
    await withHook.runAs(admin, { key: "hook-2", count: 2 }, { db: t.prisma });
    expect(seen).toEqual(["hook-1"]);
  });
});
