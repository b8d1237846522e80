import "server-only";
import { db } from "@/lib/db";
import { groupByType } from "../alerts";

export async function alertGroups() {
  const firing = await db().alert.findMany({ where: { status: "firing" }, orderBy: { startedAt: "asc" } });
  return { groups: groupByType(firing), firing };
}

export async function recentlyResolved(take = 20) {
  return db().alert.findMany({ where: { status: "resolved" }, orderBy: { resolvedAt: "desc" }, take });
}
