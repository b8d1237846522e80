// The banner every page a freeze holds shows: the freeze in the one wording (lib/settings/freezes.ts)
// and what it means on this page.
import { FREEZE_COVERS, type FreezeSpan, freezeText } from "@/lib/settings/freezes";

export function FreezeBanner({
  freeze,
  children,
  testId = "freeze-banner",
}: {
  freeze: FreezeSpan;
  children?: React.ReactNode;
  testId?: string;
}) {
  return (
    <div className="mb-6 rounded-lg border border-blue-300 bg-blue-50 px-4 py-3 text-sm text-blue-900" data-testid={testId}>
      <strong>A {freezeText(freeze)}.</strong> While it lasts, {FREEZE_COVERS}.{children && <p className="mt-1">{children}</p>}
    </div>
  );
}
