"use client";

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="rounded-xl border border-red-200 bg-red-50 p-6">
      <h1 className="text-lg font-semibold text-red-800">This view could not be loaded</h1>
      <p className="mt-1 text-sm text-red-700">{error.digest ? `Reference ${error.digest}. ` : ""}The server logged the details.</p>
      <button type="button" onClick={reset} className="mt-4 rounded-md bg-red-600 px-3 py-1.5 text-sm text-white">
        Try again
      </button>
    </div>
  );
}
