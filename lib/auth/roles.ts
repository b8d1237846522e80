// Roles and the named permissions every action, route and page checks. One place, no framework.
export const ROLES = ["VIEWER", "SRE", "RELEASE_MANAGER", "PRODUCT_OWNER", "ADMIN"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  VIEWER: "Viewer",
  SRE: "SRE",
  RELEASE_MANAGER: "Release manager",
  PRODUCT_OWNER: "Product owner",
  ADMIN: "Admin",
};

/** Scopes an API token may carry; each HTTP API names the one it needs. */
export const TOKEN_SCOPES = [
  "telemetry:write",
  "alerts:write",
  "fleet:read",
  "releases:write",
  "releases:read",
  "cells:agent",
  "flags:read",
  "gateway:read",
  "migrations:agent",
  "metrics:read",
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface Principal {
  id: string;
  email: string;
  name: string;
  role: Role;
}
