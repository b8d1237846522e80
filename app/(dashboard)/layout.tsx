import Link from "next/link";
import type { ReactNode } from "react";
import { RoleBadge } from "@/components/badges";
import { NavLinks } from "@/components/nav-links";
import { SignOutButton } from "@/components/sign-out-button";
import { canEditSettings, canImportFleet } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const items = [
    { href: "/", label: "Health" },
    { href: "/alerts", label: "Alerts" },
    { href: "/changes", label: "Changes" },
    { href: "/fleet", label: "Fleet" },
    ...(canImportFleet(user) ? [{ href: "/fleet/import", label: "Import fleet" }] : []),
    { href: "/releases", label: "Releases" },
    { href: "/approvals", label: "Approvals" },
    { href: "/pipelines", label: "Pipelines" },
    { href: "/flags", label: "Flags" },
    { href: "/gateway", label: "API versions" },
    { href: "/migrations", label: "Migrations" },
    { href: "/audit", label: "Audit log" },
    ...(canEditSettings(user) ? [{ href: "/settings", label: "Settings" }] : []),
  ];
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 flex h-screen w-56 shrink-0 flex-col bg-slate-900 px-3 py-4 text-white">
        <Link href="/" className="mb-6 flex items-center gap-2 px-2">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src="/icon.svg" alt="" className="h-7 w-7" />
          <span className="text-lg font-semibold tracking-tight">Cellplane</span>
        </Link>
        <nav aria-label="Main" className="flex-1">
          <NavLinks items={items} />
        </nav>
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
      </aside>
      <main className="min-w-0 flex-1 px-8 py-6">{children}</main>
    </div>
  );
}
