import { NextResponse } from "next/server";
import { readJson, withApi } from "@/lib/api/server/http";
import { writeAs } from "@/lib/api/server/writes";
import { progressSchema } from "@/lib/schema-migrations/agent-api";
import { reportProgress } from "@/lib/schema-migrations/server/agent";

/** A cell agent's progress report; stale, out-of-order or wrong-phase reports get 409 and change nothing. */
export const POST = withApi<{ id: string; cell: string }>(
  { scope: "migrations:agent", cellParam: "cell" },
  async (req, { caller, params }) => {
    const body = await readJson(req, progressSchema, 16_000);
    const r = await writeAs(caller, (tx) => reportProgress(tx, params.id, params.cell, body, new Date()));
    return NextResponse.json(r);
  },
);
