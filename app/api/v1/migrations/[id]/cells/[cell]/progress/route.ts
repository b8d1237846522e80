import { NextResponse } from "next/server";
import { callerName, readJson, withApi } from "@/lib/api/server/http";
import { db } from "@/lib/db";
import { progressSchema } from "@/lib/schema-migrations/agent-api";
import { reportProgress } from "@/lib/schema-migrations/server/agent";

/** A cell agent's progress report; stale, out-of-order or wrong-phase reports get 409 and change nothing. */
export const POST = withApi<{ id: string; cell: string }>(
  { scope: "migrations:agent", cellParam: "cell" },
  async (req, { caller, params }) => {
    const body = await readJson(req, progressSchema, 16_000);
    const r = await db().$transaction((tx) => reportProgress(tx, params.id, params.cell, body, callerName(caller), new Date()));
    return NextResponse.json(r);
  },
);
