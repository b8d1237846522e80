// A box for a customer id that suggests the customers (the id, shown with the customer's name).

type Customer = { id: string; name: string };

export function CustomerOptions({ id, customers }: { id: string; customers: Customer[] }) {
  return (
    <datalist id={id}>
      {customers.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name}
        </option>
      ))}
    </datalist>
  );
}

export function CustomerIdInput({
  listId,
  customers,
  value,
  onChange,
  label,
  placeholder = "customer id",
  dense = false,
}: {
  /** The suggestions' element id (one per page). */
  listId: string;
  customers: Customer[];
  value: string;
  onChange: (v: string) => void;
  label: string;
  placeholder?: string;
  /** Beside a small button. */
  dense?: boolean;
}) {
  return (
    <>
      <input
        list={listId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        aria-label={label}
        className={`min-w-0 flex-1 rounded-md border border-slate-300 px-2 ${dense ? "py-1" : "py-1.5"} font-mono text-sm`}
      />
      <CustomerOptions id={listId} customers={customers} />
    </>
  );
}
