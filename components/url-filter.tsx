"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTransition } from "react";

/** What a filter's select offers: its query parameter, its label and its options. */
interface SelectChoices {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  allLabel?: string;
}

/** A select whose value lives in the URL query (so a filtered view can be linked). */
export function UrlSelect(choices: SelectChoices) {
  const { name } = choices;
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, start] = useTransition();
  return (
    <LabelledSelect
      {...choices}
      value={params.get(name) ?? ""}
      pending={pending}
      onChange={(value) => {
        const next = new URLSearchParams(params);
        if (value) next.set(name, value);
        else next.delete(name);
        next.delete("page");
        start(() => router.replace(`${pathname}${next.size ? `?${next}` : ""}`));
      }}
    />
  );
}

/** A labelled select for filters: "All" (the empty value) first, then the options. */
export function LabelledSelect({
  name,
  label,
  options,
  allLabel = "All",
  value,
  pending,
  onChange,
}: SelectChoices & {
  value: string;
  pending?: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="text-slate-500">{label}</span>
      <select
        name={name}
        aria-label={label}
        value={value}
        data-pending={pending || undefined}
        onChange={(e) => onChange(e.target.value)}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
      >
        <option value="">{allLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
