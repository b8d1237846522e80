"use client";
import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    <button
      type="button"
      onClick={() => signOut({ callbackUrl: "/login" })}
      className="rounded-md border border-white/20 px-2 py-1 text-xs text-slate-200 hover:bg-white/10"
    >
      Sign out
    </button>
  );
}
