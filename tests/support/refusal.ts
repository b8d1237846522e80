import { DomainError } from "@/lib/errors";

/** The DomainError `p` is refused with (anything else thrown is rethrown; success fails the test). */
export async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}
