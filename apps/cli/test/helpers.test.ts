import type { Role } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { createRecordCounter, parseTimeFlag } from "../src/commands/audit.js";
import { pickHighestRole } from "../src/commands/auth.js";
import { splitList } from "../src/paging.js";
import { isUuid, pickOne } from "../src/resolve.js";
import { normalizeServer } from "../src/runtime.js";

describe("pickOne", () => {
  const items = [
    { id: "11111111-1111-4111-8111-111111111111", keys: ["api"], name: "API" },
    { id: "22222222-2222-4222-8222-222222222222", keys: ["web"], name: "Shared" },
    { id: "33333333-3333-4333-8333-333333333333", keys: ["docs"], name: "shared" },
  ];
  it("matches id, exact key, then a case-insensitive name", () => {
    expect(pickOne("project", "api", items, "acme").keys).toEqual(["api"]);
    expect(pickOne("project", "22222222-2222-4222-8222-222222222222", items, "acme").keys).toEqual(["web"]);
    expect(pickOne("project", "API", items, "acme").keys).toEqual(["api"]);
  });
  it("says not found with a hint, and ambiguous with the candidate ids", () => {
    expect(() => pickOne("project", "nope", items, "organization acme", "see: meridian projects list")).toThrow(
      'project "nope" not found in organization acme (see: meridian projects list)',
    );
    expect(() => pickOne("project", "shared", items, "acme")).toThrow(/ambiguous.*22222222.*33333333/);
  });
});

describe("pickHighestRole", () => {
  const role = (slug: string, permissions: string[]): Role => ({
    id: `00000000-0000-4000-8000-00000000000${slug.length}`,
    slug,
    name: slug[0]?.toUpperCase() + slug.slice(1),
    description: "",
    permissions,
    builtin: true,
    createdAt: "2026-01-01T00:00:00Z",
  });
  const roles = [role("viewer", ["project:read"]), role("admin", ["project:*", "team:*", "role:*"]), role("owner", ["*:*"])];
  it("prefers a full wildcard, then the most permissions, matching by slug or name", () => {
    expect(pickHighestRole(roles, ["viewer", "Owner"])?.slug).toBe("owner");
    expect(pickHighestRole(roles, ["viewer", "admin"])?.slug).toBe("admin");
    expect(pickHighestRole(roles, ["nothing"])).toBeUndefined();
  });
});

describe("parseTimeFlag", () => {
  const now = Date.parse("2026-03-10T12:00:00Z");
  it("accepts ages, dates and RFC 3339", () => {
    expect(parseTimeFlag("--since", "2h", now)).toBe("2026-03-10T10:00:00.000Z");
    expect(parseTimeFlag("--since", "7d", now)).toBe("2026-03-03T12:00:00.000Z");
    expect(parseTimeFlag("--since", "2026-01-31", now)).toBe("2026-01-31T00:00:00.000Z");
    expect(parseTimeFlag("--since", "2026-01-31T10:00:00+02:00", now)).toBe("2026-01-31T08:00:00.000Z");
    expect(parseTimeFlag("--since", undefined, now)).toBeUndefined();
  });
  it("rejects anything else as a usage error", () => {
    expect(() => parseTimeFlag("--since", "yesterday", now)).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe("createRecordCounter", () => {
  it("counts CSV records, ignoring newlines inside quoted fields, across chunks", () => {
    const c = createRecordCounter(true);
    c.push('seq,summary\n1,"a\nb"\n2,');
    c.push('"x ""q"" y"\n');
    expect(c.records).toBe(3);
  });
  it("counts JSON lines", () => {
    const c = createRecordCounter(false);
    c.push('{"a":"\\"x"}\n{"b":1}\n');
    expect(c.records).toBe(2);
  });
});

describe("small parsers", () => {
  it("normalizeServer adds a scheme and drops trailing slashes", () => {
    expect(normalizeServer("localhost:8080/")).toBe("http://localhost:8080");
    expect(normalizeServer("https://m.example.com/base/")).toBe("https://m.example.com/base");
  });
  it("splitList accepts commas and repeats", () => {
    expect(splitList(["a,b", " c ", ""])).toEqual(["a", "b", "c"]);
    expect(splitList(undefined)).toEqual([]);
  });
  it("isUuid", () => {
    expect(isUuid("11111111-1111-4111-8111-111111111111")).toBe(true);
    expect(isUuid("api")).toBe(false);
  });
});

describe("parseInvitationLink", () => {
  it("takes the server and token from a link, or just a token", async () => {
    const { parseInvitationLink } = await import("../src/commands/invites.js");
    expect(parseInvitationLink("http://127.0.0.1:8081/invite/inv_abc")).toEqual({ server: "http://127.0.0.1:8081", token: "inv_abc" });
    expect(parseInvitationLink("inv_abc")).toEqual({ token: "inv_abc" });
  });
});

describe("describeInsecureServer", () => {
  it("warns about passwords over plain HTTP except to loopback", async () => {
    const { describeInsecureServer } = await import("../src/commands/auth.js");
    expect(describeInsecureServer("http://127.0.0.1:8080")).toBeUndefined();
    expect(describeInsecureServer("http://localhost:8080")).toBeUndefined();
    expect(describeInsecureServer("https://meridian.example.com")).toBeUndefined();
    expect(describeInsecureServer("http://meridian.example.com")).toContain("over plain HTTP");
  });
});
