// A flag change request's diff, field by field: what the flag is now and what approving makes it.
import { ScrollBox } from "@/components/scroll-box";
import type { DiffLine } from "@/lib/flags/change-requests";

export function FlagChangeDiff({ diff }: { diff: DiffLine[] }) {
  return (
    <ScrollBox className="mt-2">
      <table className="w-full text-left text-xs" data-testid="change-request-diff">
        <thead className="text-slate-500">
          <tr>
            <th className="py-1 pr-3 font-medium">field</th>
            <th className="py-1 pr-3 font-medium">before</th>
            <th className="py-1 font-medium">after</th>
          </tr>
        </thead>
        <tbody>
          {diff.map((d) => (
            <tr key={d.field} className="border-t border-slate-100 align-top" data-field={d.field}>
              <td className="py-1 pr-3 font-mono">{d.field}</td>
              <td className="py-1 pr-3 break-words bg-red-50 text-red-800">{d.before}</td>
              <td className="py-1 break-words bg-emerald-50 text-emerald-800">{d.after}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}
