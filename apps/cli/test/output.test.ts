import { describe, expect, it } from "vitest";
import { type Column, createPrinter, formatRelativeTime, formatValue, parseOutputFormat, renderDetails, renderTable, truncateCell } from "../src/output.js";

const now = Date.parse("2026-03-10T12:00:00Z");
const ago = (ms: number) => new Date(now - ms).toISOString();

describe("formatRelativeTime", () => {
  it.each([
    [2_000, "just now"],
    [42_000, "42s ago"],
    [3 * 60_000 + 5_000, "3m ago"],
    [5 * 3_600_000, "5h ago"],
    [2 * 86_400_000, "2d ago"],
    [-3 * 86_400_000, "in 3d"],
    [-100 * 60_000, "in 2h"],
    [-(7 * 86_400_000 - 30_000), "in 7d"],
  ])("%d ms before now is %s", (ms, expected) => {
    expect(formatRelativeTime(ago(ms), now)).toBe(expected);
  });

  it("shows the date for times more than 400 days away", () => {
    expect(formatRelativeTime("2025-01-02T03:04:05Z", now)).toBe("2025-01-02");
  });

  it("leaves unparseable strings alone", () => {
    expect(formatRelativeTime("soon", now)).toBe("soon");
  });
});

describe("formatValue", () => {
  it.each([
    [null, "-"],
    [undefined, "-"],
    ["", "-"],
    [true, "yes"],
    [false, "no"],
    [[], "-"],
    [["a", "b"], "a, b"],
    [{ a: 1 }, '{"a":1}'],
    ["two\nlines", "two lines"],
    [7, "7"],
  ])("%j renders as %s", (value, expected) => {
    expect(formatValue(value)).toBe(expected);
  });
});

describe("truncateCell", () => {
  it("keeps short text and cuts long text with an ellipsis", () => {
    expect(truncateCell("abc", 5)).toBe("abc");
    expect(truncateCell("abcdefgh", 5)).toBe("abcd…");
    expect([...truncateCell("ééééééé", 4)]).toHaveLength(4);
  });
});

interface Row {
  slug: string;
  name: string;
  createdAt: string;
}
const columns: Column<Row>[] = [
  { header: "Slug", value: (r) => r.slug },
  { header: "Name", value: (r) => r.name, max: 10 },
  { header: "Created", value: (r) => r.createdAt, kind: "time" },
];
const rows: Row[] = [
  { slug: "api", name: "API service", createdAt: ago(180_000) },
  { slug: "frontend-web", name: "Web", createdAt: ago(2 * 86_400_000) },
];

describe("renderTable", () => {
  it("aligns columns, upper-cases headers, truncates wide cells and shows relative times", () => {
    expect(renderTable(rows, columns, { now })).toBe(
      ["SLUG          NAME        CREATED", "api           API servi…  3m ago", "frontend-web  Web         2d ago", ""].join("\n"),
    );
  });

  it("shrinks the widest column to fit a narrow terminal", () => {
    const out = renderTable(rows, columns, { now, width: 28 });
    for (const line of out.trimEnd().split("\n")) expect([...line].length).toBeLessThanOrEqual(28);
    expect(out).toContain("…");
  });

  it("never cuts fixed columns such as ids", () => {
    const id = "0a44ade3-8142-451c-8c0e-95b29ed643b6";
    const withId: Column<Row>[] = [...columns, { header: "ID", value: () => id, fixed: true }];
    const out = renderTable(rows, withId, { now, width: 50 });
    expect(out).toContain(id);
    expect(out.split("\n")[1]).toMatch(/^api\s+/);
  });

  it("only colors the header when asked", () => {
    expect(renderTable(rows, columns, { now })).not.toContain("\x1b[");
    expect(renderTable(rows, columns, { now, color: true }).split("\n")[0]).toMatch(/^\x1b\[1mSLUG/);
  });
});

describe("renderDetails", () => {
  it("prints aligned label: value lines with the absolute time after a relative one", () => {
    const row = rows[0] as Row;
    expect(renderDetails(row, columns, { now })).toBe(`Slug:    api\nName:    API service\nCreated: 3m ago (${row.createdAt})\n`);
  });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } };
}

describe("createPrinter", () => {
  it("prints json and yaml as data, not tables", () => {
    const c = capture();
    createPrinter({ format: "json", color: false, stdout: c.stdout, stderr: c.stderr }).list(rows, columns);
    expect(JSON.parse(c.out.join(""))).toEqual(rows);
    const y = capture();
    createPrinter({ format: "yaml", color: false, stdout: y.stdout, stderr: y.stderr }).item(rows[0] as Row, columns);
    expect(y.out.join("")).toContain("slug: api\nname: API service\n");
  });

  it("says so on stderr when a table would be empty, keeping stdout clean", () => {
    const c = capture();
    createPrinter({ format: "table", color: false, stdout: c.stdout, stderr: c.stderr }).list([], columns, "No projects.");
    expect(c.out).toEqual([]);
    expect(c.err.join("")).toBe("No projects.\n");
  });

  it("confirms actions with a sentence in table mode and data otherwise", () => {
    const t = capture();
    createPrinter({ format: "table", color: false, stdout: t.stdout }).done("Project api deleted.");
    expect(t.out.join("")).toBe("Project api deleted.\n");
    const j = capture();
    createPrinter({ format: "json", color: false, stdout: j.stdout }).done("Project api deleted.");
    expect(JSON.parse(j.out.join(""))).toEqual({ ok: true });
  });
});

describe("parseOutputFormat", () => {
  it("accepts the three formats case-insensitively and rejects others as usage errors", () => {
    expect(parseOutputFormat(undefined)).toBe("table");
    expect(parseOutputFormat("JSON")).toBe("json");
    expect(() => parseOutputFormat("xml")).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});
