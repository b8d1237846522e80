import type { NextConfig } from "next";
import { API_CSP, securityHeaders } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "bcryptjs"],
  async headers() {
    const api = [{ key: "Content-Security-Policy", value: API_CSP }];
    return [
      { source: "/:path*", headers: securityHeaders(process.env.NODE_ENV === "production") },
      // Pages get their policy, with a per-request nonce, from proxy.ts.
      { source: "/api/:path*", headers: api },
      { source: "/ofrep/:path*", headers: api },
    ];
  },
};

export default nextConfig;
