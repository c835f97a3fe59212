import { Slug } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { slugify } from "./slug";

describe("slugify", () => {
  it.each([
    ["Payments API", "payments-api"],
    ["  Crème brûlée — v2 ", "creme-brulee-v2"],
    ["a", "a"],
    ["--x--", "x"],
    ["Ünïcödé Team", "unicode-team"],
  ])("%j -> %j", (input, want) => {
    expect(slugify(input)).toBe(want);
  });

  it("never ends in a dash after truncation and passes the contract's Slug when long enough", () => {
    const s = slugify(`${"abcdefghi ".repeat(8)}`);
    expect(s.length).toBeLessThanOrEqual(40);
    expect(s.endsWith("-")).toBe(false);
    expect(Slug.safeParse(s).success).toBe(true);
  });
});
