import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db, pool } from "@/lib/db";
import { CLIENT_ADDRESS_HEADER } from "../client-address";
import { retryMessage } from "../throttle-policy";
import { signInWithPassword } from "./sign-in";
import { createLoginThrottle, type LoginThrottle } from "./throttle";

const credentials = z.object({ email: z.email().transform((e) => e.toLowerCase()), password: z.string().min(1).max(200) });

const g = globalThis as unknown as { cellplaneLoginThrottle?: LoginThrottle };
const throttle = () => (g.cellplaneLoginThrottle ??= createLoginThrottle(pool()));

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(raw, req) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) return null;
        const address = (req?.headers as Record<string, unknown> | undefined)?.[CLIENT_ADDRESS_HEADER];
        const r = await signInWithPassword(db(), throttle(), {
          ...parsed.data,
          address: typeof address === "string" && address ? address : "unknown",
        });
        if (r.ok) return r.user;
        // next-auth hands this message to the sign-in page as the error.
        if (r.reason === "throttled") throw new Error(retryMessage(r.retryAfterSeconds));
        return null;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = user.role;
      }
      return token;
    },
    async session({ session, token }) {
      session.user = { id: token.uid, email: token.email ?? "", name: token.name ?? "", role: token.role };
      return session;
    },
  },
};
