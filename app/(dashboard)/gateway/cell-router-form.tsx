"use client";
import { ActionForm, Field } from "@/components/action-form";
import { saveCellRouterAction } from "./actions";

export function CellRouterForm({ url, version }: { url: string; version: number }) {
  return (
    <ActionForm action={saveCellRouterAction} testId="cell-router-form" submit="Save" hidden={{ version }}>
      {(e) => (
        <div className="space-y-2">
          <Field label="Cell router base URL (replaces ${cell_router} in backends)" name="url" defaultValue={url} errors={e.url} />
          <p className="text-xs text-slate-500">
            The cell router maps a customer to its home cell; the edge forwards every versioned route to it.
          </p>
        </div>
      )}
    </ActionForm>
  );
}
