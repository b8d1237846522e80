// Domain errors that the one door turns into typed results (and API routes into 4xx).
import type { SpecError } from "@/lib/yaml-errors";

export class DomainError extends Error {
  constructor(
    public readonly code: "CONFLICT" | "INVALID" | "NOT_FOUND" | "PRECONDITION",
    message: string,
    public readonly fieldErrors?: Record<string, string[]>,
    public readonly specErrors?: SpecError[],
  ) {
    super(message);
    this.name = "DomainError";
  }
}
