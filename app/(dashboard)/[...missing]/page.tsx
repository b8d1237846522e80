import { notFound } from "next/navigation";

/** Any URL no page answers: the app shell's 404 (with its navigation), and HTTP status 404. */
export default function Missing(): never {
  notFound();
}
