import { NextResponse } from "next/server";
import { callerName, readJson, withApi } from "@/lib/api/server/http";
import { db } from "@/lib/db";
import { toReleaseView } from "@/lib/rollouts/api";
import { startReleaseSchema } from "@/lib/rollouts/api";
import { startRelease } from "@/lib/rollouts/server/start";

export const POST = withApi({ scope: "releases:write" }, async (req, { caller }) => {
  const input = await readJson(req, startReleaseSchema, 64_000);
  const { id } = await db().$transaction((tx) => startRelease(tx, input, callerName(caller), new Date()), { timeout: 20_000 });
  const r = await db().release.findUniqueOrThrow({ where: { id } });
  return NextResponse.json(toReleaseView(r), { status: 201, headers: { Location: `/api/v1/releases/${id}` } });
});
