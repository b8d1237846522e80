"use client";
// The dashboard's navigation: a sidebar from 1024 px up, and under that a top bar whose menu button
// opens the same navigation as a drawer over the page (closed again by a link, Escape, or a tap
// beside it). The drawer is invisible while closed, so its links are not in the tab order.
import { Menu, X } from "lucide-react";
import { usePathname } from "next/navigation";
import { type ReactNode, useEffect, useState } from "react";

export function NavDrawer({ brand, footer, children }: { brand: ReactNode; footer: ReactNode; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  // A link followed (a new path) closes the drawer.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the path is the trigger, not a value read
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <>
      <header className="sticky top-0 z-30 flex items-center gap-3 bg-slate-900 px-3 py-2 text-white lg:hidden" data-testid="top-bar">
        <button
          type="button"
          onClick={() => setOpen(true)}
          aria-expanded={open}
          aria-controls="main-nav"
          data-testid="nav-toggle"
          className="rounded-md p-1.5 hover:bg-white/10"
        >
          <Menu aria-hidden className="h-5 w-5" />
          <span className="sr-only">Open the navigation</span>
        </button>
        {brand}
      </header>
      {open && <div className="fixed inset-0 z-40 bg-slate-900/50 lg:hidden" aria-hidden onClick={() => setOpen(false)} />}
      <aside
        id="main-nav"
        data-testid="sidebar"
        data-open={open}
        className={`fixed inset-y-0 left-0 z-50 flex w-64 flex-col overflow-y-auto bg-slate-900 px-3 py-4 text-white transition-[transform,visibility] duration-200 lg:sticky lg:top-0 lg:z-auto lg:h-screen lg:w-56 lg:shrink-0 lg:translate-x-0 lg:visible ${open ? "visible translate-x-0" : "invisible -translate-x-full"}`}
      >
        <div className="mb-6 flex items-center justify-between gap-2">
          {brand}
          <button
            type="button"
            onClick={() => setOpen(false)}
            className="rounded-md p-1.5 hover:bg-white/10 lg:hidden"
            data-testid="nav-close"
          >
            <X aria-hidden className="h-5 w-5" />
            <span className="sr-only">Close the navigation</span>
          </button>
        </div>
        <nav aria-label="Main" className="flex-1">
          {children}
        </nav>
        {footer}
      </aside>
    </>
  );
}
