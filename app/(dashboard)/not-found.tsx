import Link from "next/link";

export default function NotFound() {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6">
      <h1 className="text-lg font-semibold">Not found</h1>
      <p className="mt-1 text-sm text-slate-500">No such cell or page.</p>
      <Link href="/fleet" className="mt-4 inline-block text-sm text-indigo-600 hover:underline">
        Back to the fleet
      </Link>
    </div>
  );
}
