import { formatAge, formatBytes, formatCell, formatDuration, formatMillicores, parseBytes, parseMillicores, percentOf } from "@meridian/core";
import { describe, expect, it } from "vitest";

// How the UI shows quantities and ages. The formatters live in core (the CLI uses them too, with "-" for
// unknown values); these cases pin what pages render, with the UI's "—".

describe("cpu", () => {
  it.each([
    [250, "250m"],
    [1500, "1.5"],
    [2000, "2"],
    [0, "0"],
    [1234, "1.23"],
    [15_550, "15.6"],
    [155_810, "156"],
    [0.4, "0m"],
    ["3800m", "3.8"],
    ["2", "2"],
    [null, "—"],
    ["n/a", "n/a"],
  ])("%j -> %j", (input, want) => expect(formatMillicores(input)).toBe(want));

  it.each([
    ["250m", 250],
    ["1.5", 1500],
    ["4", 4000],
    ["500000n", 0.5],
    [12, 12],
    ["abc", undefined],
    ["5Gi", undefined],
  ])("parses %j as %j millicores", (input, want) => expect(parseMillicores(input)).toBe(want));
});

describe("memory", () => {
  it.each([
    [512 * 1024 ** 2, "512Mi"],
    [2 * 1024 ** 3, "2Gi"],
    [1.5 * 1024 ** 3, "1.5Gi"],
    [900, "900"],
    [1024, "1Ki"],
    ["16Gi", "16Gi"],
    [undefined, "—"],
  ])("%j -> %j", (input, want) => expect(formatBytes(input)).toBe(want));

  it.each([
    ["512Mi", 512 * 1024 ** 2],
    ["1G", 1e9],
    ["1048576", 1048576],
    ["3x", undefined],
  ])("parses %j as %j bytes", (input, want) => expect(parseBytes(input)).toBe(want));
});

describe("ages", () => {
  it.each([
    [45_000, "45s"],
    [200_000, "3m20s"],
    [17 * 60_000, "17m"],
    [(4 * 60 + 12) * 60_000, "4h12m"],
    [20 * 3_600_000, "20h"],
    [(3 * 24 + 5) * 3_600_000, "3d5h"],
    [41 * 86_400_000, "41d"],
    [-5000, "0s"],
  ])("%j ms -> %j", (ms, want) => expect(formatDuration(ms)).toBe(want));

  it("measures from now and tolerates missing or odd values", () => {
    const now = Date.parse("2026-01-01T12:00:00Z");
    expect(formatAge("2026-01-01T11:00:00Z", now)).toBe("60m");
    expect(formatAge(null, now)).toBe("—");
    expect(formatAge("yesterday", now)).toBe("yesterday");
  });
});

describe("formatCell", () => {
  it("dispatches on the catalog format", () => {
    expect(formatCell(250, "millicores")).toBe("250m");
    expect(formatCell(1024 ** 3, "bytes")).toBe("1Gi");
    expect(formatCell(3, "number")).toBe("3");
    expect(formatCell(true, "text")).toBe("yes");
    expect(formatCell("", "text")).toBe("—");
  });
});

describe("percentOf", () => {
  it("is null without a capacity and clamps silly values", () => {
    expect(percentOf(500, 2000)).toBe(25);
    expect(percentOf(500, 0)).toBeNull();
    expect(percentOf(undefined, 10)).toBeNull();
    expect(percentOf(1e9, 1)).toBe(999);
  });
});
