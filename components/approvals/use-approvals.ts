"use client";
import type { Inbox } from "@/lib/approvals/gates";
import { useLiveQuery } from "../use-live-query";

export const approvalKeys = {
  all: ["approvals"] as const,
  inbox: () => [...approvalKeys.all, "inbox"] as const,
};

/** How often the inbox, the badge and the global view's banner re-read the gates. */
export const APPROVALS_EVERY_MS = 5_000;

/** The signed-in person's approvals inbox, live (one request shared by the page, the badge and `/`). */
export function useApprovalsInbox(initial?: Inbox) {
  return useLiveQuery<Inbox>({
    key: approvalKeys.inbox(),
    url: "/api/v1/approvals",
    everyMs: APPROVALS_EVERY_MS,
    initial,
    initialAt: initial ? new Date(initial.generatedAt).getTime() : undefined,
  });
}
