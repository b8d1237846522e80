import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { currentUser } from "@/lib/auth/server/session";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const sp = await searchParams;
  if (await currentUser()) redirect("/");
  const callbackUrl = safeCallbackPath(sp.callbackUrl);
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-br from-slate-900 via-indigo-950 to-slate-900 p-6">
      <div className="w-full max-w-sm rounded-2xl bg-white p-8 shadow-2xl">
        <div className="mb-6 flex items-center gap-3">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src="/icon.svg" alt="" className="h-9 w-9" />
          <div>
            <h1 className="text-xl font-semibold">Cellplane</h1>
            <p className="text-sm text-slate-500">Sign in to the control plane</p>
          </div>
        </div>
        <LoginForm callbackUrl={callbackUrl} initialError={sp.error} />
      </div>
    </main>
  );
}
