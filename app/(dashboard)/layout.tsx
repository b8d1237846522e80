import Link from "next/link";
import type { ReactNode } from "react";
import { ApprovalsBadge } from "@/components/approvals/approvals-badge";
import { RoleBadge } from "@/components/badges";
import { NavLinks } from "@/components/nav-links";
import { NavDrawer } from "@/components/shell/nav-drawer";
import { SignOutButton } from "@/components/sign-out-button";
import { approvalCounts } from "@/lib/approvals/server/queries";
import { canEditSettings, canImportFleet } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const approvals = await approvalCounts(user);
  const items = [
    { href: "/", label: "Health" },
    { href: "/alerts", label: "Alerts" },
    { href: "/changes", label: "Changes" },
    { href: "/fleet", label: "Fleet" },
    ...(canImportFleet(user) ? [{ href: "/fleet/import", label: "Import fleet" }] : []),
    { href: "/releases", label: "Releases" },
    { href: "/approvals", label: "Approvals", badge: <ApprovalsBadge initial={approvals} /> },
    { href: "/pipelines", label: "Pipelines" },
    { href: "/flags", label: "Flags" },
    { href: "/gateway", label: "API versions" },
    { href: "/migrations", label: "Migrations" },
    { href: "/audit", label: "Audit log" },
    ...(canEditSettings(user) ? [{ href: "/settings", label: "Settings" }] : []),
  ];
  return (
    <div className="min-h-screen lg:flex">
      <a
        href="#main"
        data-testid="skip-link"
        className="sr-only z-[60] rounded-md bg-white px-3 py-2 text-sm font-medium text-indigo-800 shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to main content
      </a>
      <NavDrawer
        brand={
          <Link href="/" className="flex items-center gap-2 px-2">
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src="/icon.svg" alt="" className="h-7 w-7" />
            <span className="text-lg font-semibold tracking-tight">Cellplane</span>
          </Link>
        }
        footer={
          <div className="border-t border-white/10 px-2 pt-3 text-sm" data-testid="current-user">
            <div className="truncate font-medium" data-testid="user-name">
              {user.name}
            </div>
            <div className="truncate text-xs text-slate-400">{user.email}</div>
            <div className="mt-2 flex items-center justify-between">
              <RoleBadge role={user.role} />
              <SignOutButton />
            </div>
          </div>
        }
      >
        <NavLinks items={items} />
      </NavDrawer>
      <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-4 outline-none sm:px-6 lg:px-8 lg:py-6">
        {children}
      </main>
    </div>
  );
}
