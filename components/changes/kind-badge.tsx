import { KIND_LABELS } from "@/lib/changes/model";

export function KindBadge({ kind }: { kind: string }) {
  return (
    <span className="chg-k" data-k={kind}>
      {KIND_LABELS[kind as keyof typeof KIND_LABELS] ?? kind}
    </span>
  );
}
