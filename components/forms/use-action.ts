"use client";
// Running a one-door server action from a form: pending while it runs, its typed result kept for
// the form to show, and what a success leads to (a refresh, another page).
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/auth/server/action";

export function useAction<I, D>(action: (input: I) => Promise<ActionResult<D>>, onOk: (data: D) => void) {
  const [result, setResult] = useState<ActionResult<D> | null>(null);
  const [pending, start] = useTransition();
  const run = (input: I) =>
    start(async () => {
      const r = await action(input);
      setResult(r);
      if (r.ok) onOk(r.data);
    });
  return { result, pending, run };
}
