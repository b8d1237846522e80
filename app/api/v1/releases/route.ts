import { NextResponse } from "next/server";
import { readJson, withApi } from "@/lib/api/server/http";
import { writeAs } from "@/lib/api/server/writes";
import { startReleaseSchema, toReleaseView } from "@/lib/rollouts/api";
import { releaseRow } from "@/lib/rollouts/server/queries";
import { startRelease } from "@/lib/rollouts/server/start";

export const POST = withApi({ scope: "releases:write" }, async (req, { caller }) => {
  const input = await readJson(req, startReleaseSchema, 64_000);
  const { id } = await writeAs(caller, (tx, actor) => startRelease(tx, input, actor, new Date()), { timeout: 20_000 });
  const r = await releaseRow(id);
  return NextResponse.json(toReleaseView(r!), { status: 201, headers: { Location: `/api/v1/releases/${id}` } });
});
