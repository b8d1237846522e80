// Any /api path no route answers: a JSON 404 (not the app shell's page, which would send a client
// without a session to the sign-in page).
import { apiError } from "@/lib/api/server/http";

const notFound = () => apiError(404, "NOT_FOUND", "no such endpoint; see /api/v1/openapi.json");

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
