import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db";
import { authOptions } from "./options";
import type { Principal } from "../roles";

/**
 * The signed-in user as the database knows them now (role changes and deletions apply at once,
 * whatever the session cookie says), or null. Once per page render: the layout and the page that
 * both ask share one answer (React's cache; server actions and route handlers are not memoized).
 */
export const currentUser = cache(async (): Promise<Principal | null> => {
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  if (!id) return null;
  const row = await db().user.findUnique({ where: { id } });
  return row ? { id: row.id, email: row.email, name: row.name, role: row.role } : null;
});

/** For pages: the user, or off to the sign-in page. */
export async function requireUser(): Promise<Principal> {
  const user = await currentUser();
  if (!user) redirect("/login");
  return user;
}
