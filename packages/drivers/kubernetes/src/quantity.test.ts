import { describe, expect, it } from "vitest";
import { parseQuantity, toBytes, toMillicores } from "./quantity.js";

describe("Kubernetes quantities", () => {
  it("parses CPU in millicores", () => {
    expect(toMillicores("250m")).toBe(250);
    expect(toMillicores("2")).toBe(2000);
    expect(toMillicores("0.5")).toBe(500);
    expect(toMillicores("1500u")).toBe(2);
  });
  it("parses memory with binary and decimal suffixes and exponents", () => {
    expect(toBytes("128Mi")).toBe(134217728);
    expect(toBytes("1Gi")).toBe(1073741824);
    expect(toBytes("1G")).toBe(1e9);
    expect(toBytes("1e3")).toBe(1000);
    expect(toBytes("64k")).toBe(64000);
  });
  it("gives NaN / 0 for malformed quantities", () => {
    expect(parseQuantity("12 Mi")).toBeNaN();
    expect(parseQuantity("abc")).toBeNaN();
    expect(toBytes(undefined)).toBe(0);
  });
});
