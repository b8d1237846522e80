"use client";
import { ClientForm } from "@/components/forms/client-form";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { safeCallbackPath } from "@/lib/auth/redirect";

/** What signing in asks for. */
const CREDENTIALS = [
  { name: "email", type: "email", label: "Email", autoComplete: "username" },
  { name: "password", type: "password", label: "Password", autoComplete: "current-password" },
];

export function LoginForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const [error, setError] = useState<string | undefined>(initialError ? "Sign-in failed." : undefined);
  const [pending, setPending] = useState(false);

  async function onSubmit(fd: FormData) {
    setPending(true);
    setError(undefined);
    const res = await signIn("credentials", { email: fd.get("email"), password: fd.get("password"), redirect: false });
    if (res?.ok && !res.error) {
      window.location.assign(safeCallbackPath(callbackUrl));
      return;
    }
    setPending(false);
    setError(res?.error && res.error !== "CredentialsSignin" ? res.error : "Wrong email or password.");
  }

  return (
    <ClientForm onSubmit={onSubmit} className="space-y-4" noValidate>
      {CREDENTIALS.map((f) => (
        <label key={f.name} className="block">
          <span className="text-sm font-medium text-slate-700">{f.label}</span>
          <input
            name={f.name}
            type={f.type}
            autoComplete={f.autoComplete}
            required
            className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 focus:border-indigo-500 focus:outline-none"
          />
        </label>
      ))}
      {error && (
        <p role="status" data-testid="login-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-lg bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </ClientForm>
  );
}
