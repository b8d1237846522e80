import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTicker, type Job } from "@/lib/worker/server/ticker";
import { freshDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase("ticker");
});
afterAll(() => t.drop());

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("ticker leader election", () => {
  it("exactly one of several instances runs jobs; another takes over when the leader stops", async () => {
    const runs: string[] = [];
    const job = (who: string): Job => ({ name: "count", everyMs: 50, run: async () => void runs.push(who) });
    const a = startTicker({ db: t.prisma, databaseUrl: t.url, jobs: [job("a")], timeScale: 1, electionMs: 50, log: () => {} });
    const b = startTicker({ db: t.prisma, databaseUrl: t.url, jobs: [job("b")], timeScale: 1, electionMs: 50, log: () => {} });
    await until(() => runs.length >= 5);
    expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1);
    const first = a.isLeader() ? "a" : "b";
    expect(new Set(runs)).toEqual(new Set([first]));
    await (first === "a" ? a : b).stop();
    const second = first === "a" ? "b" : "a";
    await until(() => runs.includes(second));
    await (first === "a" ? b : a).stop();
  });
});

describe("ticker logs", () => {
  it("a failing job is logged with the URLs in its error redacted (webhook URLs are secrets)", async () => {
    const lines: string[] = [];
    const job: Job = {
      name: "post",
      everyMs: 60_000,
      run: async () => {
        throw new Error("could not post to https://deploy.example.com/hook?token=s3cr3t");
      },
    };
    const ticker = startTicker({ db: t.prisma, databaseUrl: t.url, jobs: [job], timeScale: 1, electionMs: 50, log: (l) => lines.push(l) });
    await ticker.runOnce();
    await ticker.stop();
    const failure = lines.find((l) => l.startsWith("post failed:"));
    expect(failure).toContain("could not post to https://deploy.example.com/…");
    expect(lines.join("\n")).not.toContain("s3cr3t");
  });
});
