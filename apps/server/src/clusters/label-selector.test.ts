import { describe, expect, it } from "vitest";
import { parseLabelSelector } from "./label-selector.js";

describe("label selectors", () => {
  const l = { app: "web", tier: "front", "example.com/team": "a" };
  it("matches equality, inequality, sets and existence like Kubernetes", () => {
    expect(parseLabelSelector("app=web")(l)).toBe(true);
    expect(parseLabelSelector("app==web,tier=front")(l)).toBe(true);
    expect(parseLabelSelector("app!=web")(l)).toBe(false);
    expect(parseLabelSelector("app in (api, web)")(l)).toBe(true);
    expect(parseLabelSelector("app notin (api,web)")(l)).toBe(false);
    expect(parseLabelSelector("example.com/team")(l)).toBe(true);
    expect(parseLabelSelector("!missing,app")(l)).toBe(true);
    expect(parseLabelSelector("missing")(l)).toBe(false);
    expect(parseLabelSelector("zone!=x")(l)).toBe(true);
  });
  it("rejects malformed selectors with the term named", () => {
    expect(() => parseLabelSelector("app in web")).toThrow(/app in web/);
    expect(() => parseLabelSelector("a b")).toThrow(/cannot parse/);
  });
});
