import { describe, expect, it } from "vitest";
import { createLineSplitter, parseLogLine, sourceSlot, splitMatches } from "./logs";

describe("createLineSplitter", () => {
  it("holds a partial line until its end arrives", () => {
    const split = createLineSplitter();
    expect(split('{"line":"a"}\n{"li')).toEqual(['{"line":"a"}']);
    expect(split('ne":"b"}\n\n')).toEqual(['{"line":"b"}']);
    expect(split('{"line":"c"}')).toEqual([]);
    expect(split("", true)).toEqual(['{"line":"c"}']);
  });
});

describe("parseLogLine", () => {
  it("reads the NDJSON shape and keeps anything else as text", () => {
    expect(parseLogLine('{"source":"web-1","time":"2026-01-01T00:00:00Z","line":"hello"}')).toEqual({ source: "web-1", time: "2026-01-01T00:00:00Z", line: "hello" });
    expect(parseLogLine("plain text")).toEqual({ source: "", time: null, line: "plain text" });
    expect(parseLogLine('{"other":1}')).toEqual({ source: "", time: null, line: '{"other":1}' });
  });
});

describe("splitMatches", () => {
  it("marks every case-insensitive match", () => {
    expect(splitMatches("Error: an error", "error")).toEqual([
      { text: "Error", match: true },
      { text: ": an ", match: false },
      { text: "error", match: true },
    ]);
    expect(splitMatches("abc", "")).toEqual([{ text: "abc", match: false }]);
  });
});

describe("sourceSlot", () => {
  it("is stable and within the palette", () => {
    expect(sourceSlot("web-7d9f-abc")).toBe(sourceSlot("web-7d9f-abc"));
    for (const s of ["a", "b", "web-1", "web-2", ""]) expect(sourceSlot(s)).toBeGreaterThanOrEqual(0);
    expect(new Set(["web-1", "web-2", "web-3", "web-4"].map(sourceSlot)).size).toBeGreaterThan(1);
  });
});
