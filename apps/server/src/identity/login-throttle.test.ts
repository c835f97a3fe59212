import { describe, expect, it } from "vitest";
import { createLoginThrottle } from "./login-throttle.js";

describe("login throttle", () => {
  it("allows four failures, then locks with growing waits", () => {
    const t = createLoginThrottle();
    const now = 1_000_000;
    for (let i = 0; i < 4; i++) {
      expect(t.check("alice", "1.2.3.4", now)).toBe(0);
      t.recordFailure("alice", "1.2.3.4", now);
    }
    t.recordFailure("alice", "1.2.3.4", now);
    expect(t.check("alice", "1.2.3.4", now)).toBe(30);
    expect(t.check("ALICE", "1.2.3.4", now)).toBe(30);
    expect(t.check("alice", "5.6.7.8", now)).toBe(0);
    t.recordFailure("alice", "1.2.3.4", now);
    expect(t.check("alice", "1.2.3.4", now)).toBe(60);
    expect(t.check("alice", "1.2.3.4", now + 61_000)).toBe(0);
  });
  it("success clears the username's record", () => {
    const t = createLoginThrottle();
    for (let i = 0; i < 5; i++) t.recordFailure("bob", null, 0);
    expect(t.check("bob", null, 0)).toBeGreaterThan(0);
    t.recordSuccess("bob", null);
    expect(t.check("bob", null, 0)).toBe(0);
  });
  it("locks an address that tries many usernames", () => {
    const t = createLoginThrottle();
    for (let i = 0; i < 50; i++) t.recordFailure(`user${i}`, "9.9.9.9", 0);
    expect(t.check("someone-new", "9.9.9.9", 0)).toBeGreaterThan(0);
  });
});
