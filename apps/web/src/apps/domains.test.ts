import type { Domain } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { certificateSummary, daysText, daysUntil, pemProblems, splitDomains } from "./domains";

const now = Date.parse("2025-06-01T00:00:00Z");
const cert = (over: Partial<Domain["certificate"]>): Domain["certificate"] => ({ state: "none", issuer: null, notBefore: null, notAfter: null, renewAt: null, lastError: null, updatedAt: null, ...over });
const domain = (host: string, path: string, environmentId: string): Domain => ({
  id: `${host}${path}${environmentId}`,
  host,
  path,
  environmentId,
  environmentSlug: environmentId,
  verification: { verified: false, verifiedAt: null, dnsRecord: { type: "TXT", name: `_meridian-challenge.${host}`, value: "tok" }, httpUrl: `http://${host}/.well-known/x`, lastError: null, checkedAt: null },
  certificate: cert({}),
});

describe("splitDomains", () => {
  it("pairs each route with its environment's domain and lists the domains the spec dropped", () => {
    const out = splitDomains(
      [
        { host: "a.example.test", path: "/" },
        { host: "b.example.test", path: "/api" },
      ],
      [domain("a.example.test", "/", "e1"), domain("a.example.test", "/", "e2"), domain("old.example.test", "/", "e1")],
      "e1",
    );
    expect(out.rows.map((r) => [r.route.host, r.domain?.environmentId ?? null])).toEqual([
      ["a.example.test", "e1"],
      ["b.example.test", null],
    ]);
    expect(out.orphans.map((d) => d.host)).toEqual(["old.example.test"]);
  });
});

describe("certificateSummary", () => {
  it.each([
    ["none", cert({}), "neutral", "no certificate"],
    ["pending", cert({ state: "pending" }), "accent", "issuing…"],
    ["failed", cert({ state: "failed", lastError: "x" }), "danger", "issuing failed"],
    ["issued, far from expiry", cert({ state: "issued", notAfter: "2025-08-30T00:00:00Z" }), "success", "issued"],
    ["uploaded, expiring in a week", cert({ state: "uploaded", notAfter: "2025-06-08T12:00:00Z" }), "warning", "uploaded"],
    ["expired", cert({ state: "uploaded", notAfter: "2025-05-01T00:00:00Z" }), "danger", "expired"],
  ] as const)("%s", (_n, c, tone, label) => expect(certificateSummary(c, now)).toMatchObject({ tone, label }));

  it("counts whole days left", () => {
    expect(daysUntil("2025-07-01T00:00:00Z", now)).toBe(30);
    expect(daysText(30)).toBe("in 30 days");
    expect(daysText(0)).toBe("today");
    expect(daysText(-1)).toBe("1 day ago");
  });
});

describe("pemProblems", () => {
  const c = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  const k = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n";
  it("accepts a chain and a key, and says which is missing or swapped", () => {
    expect(pemProblems(c, k)).toEqual({});
    expect(pemProblems(c, "-----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----")).toEqual({});
    expect(pemProblems("", "")).toMatchObject({ certificate: expect.stringContaining("Paste"), key: expect.stringContaining("Paste") });
    expect(pemProblems(k, c)).toMatchObject({ certificate: expect.stringContaining("Not a PEM certificate"), key: expect.stringContaining("Not a PEM private key") });
    expect(pemProblems(c + k, k).certificate).toMatch(/contains a private key/);
  });
});
