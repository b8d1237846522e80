// Any /ofrep path no route answers: a JSON 404 in the protocol's error shape.
import { NextResponse } from "next/server";

const notFound = () => NextResponse.json({ errorCode: "GENERAL", errorDetails: "no such OFREP endpoint" }, { status: 404 });

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
