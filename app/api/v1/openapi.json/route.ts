import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/api/openapi";
import { operations } from "@/lib/api/operations";

export const dynamic = "force-static";

export function GET() {
  return NextResponse.json(openApiDocument(operations, "1.0.0"));
}
