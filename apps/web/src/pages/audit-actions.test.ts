import { describe, expect, it } from "vitest";
import { parseAuditSearch } from "./audit-actions";

describe("parseAuditSearch", () => {
  it("keeps known, non-empty filters and normalises times to ISO", () => {
    expect(parseAuditSearch({ actor: " admin ", action: "project.*", result: "denied", since: "2026-11-01T10:00:00Z", page: "3" })).toEqual({
      actor: "admin",
      action: "project.*",
      result: "denied",
      since: "2026-11-01T10:00:00.000Z",
    });
  });

  it("drops what the API would reject", () => {
    expect(parseAuditSearch({ result: "maybe", since: "yesterday", until: 5, actor: "" })).toEqual({});
  });
});
