import { SearchX } from "lucide-react";
import Link from "next/link";

export default function NotFound() {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6" data-testid="not-found">
      <h1 className="flex items-center gap-2 text-lg font-semibold">
        <SearchX aria-hidden className="h-5 w-5 text-slate-500" />
        Not found
      </h1>
      <p className="mt-1 text-sm text-slate-600">There is no such page, cell, release, flag, route or migration here.</p>
      <ul className="mt-4 flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <li>
          <Link href="/" className="text-indigo-700 hover:underline">
            Fleet health
          </Link>
        </li>
        <li>
          <Link href="/fleet" className="text-indigo-700 hover:underline">
            Cells
          </Link>
        </li>
        <li>
          <Link href="/releases" className="text-indigo-700 hover:underline">
            Releases
          </Link>
        </li>
      </ul>
    </div>
  );
}
