import { describe, expect, it } from "vitest";
import { parseTimestamptz } from "./database.js";

describe("parseTimestamptz", () => {
  it.each([
    ["2026-11-23 20:07:47.788+00", "2026-11-23T20:07:47.788Z"],
    ["2026-11-23 20:07:47+00", "2026-11-23T20:07:47.000Z"],
    ["2026-11-23 20:07:47.7+00", "2026-11-23T20:07:47.700Z"],
    ["2026-11-23 20:07:47.123456+00", "2026-11-23T20:07:47.123Z"],
    ["2026-11-23 21:07:47.5+01", "2026-11-23T20:07:47.500Z"],
  ])("%s -> %s", (input, out) => {
    expect(parseTimestamptz(input)).toBe(out);
  });
});
