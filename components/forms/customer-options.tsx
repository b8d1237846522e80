// The customers a customer-id box suggests (its `list`): the id, shown with the customer's name.
export function CustomerOptions({ id, customers }: { id: string; customers: { id: string; name: string }[] }) {
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
