import { describe, expect, it } from "vitest";
import { canonicalJson, createChainVerifier, genesisHash, hashEvent, type StoredEvent } from "./hash-chain.js";

function makeChain(n: number): StoredEvent[] {
  const out: StoredEvent[] = [];
  let prev = genesisHash;
  for (let i = 1; i <= n; i++) {
    const base = {
      chainKey: "org:x",
      seq: i,
      id: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
      time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      actorKind: "user",
      actorId: "u1",
      actorName: "alice",
      action: "project.create",
      targetType: "project",
      targetId: `p${i}`,
      targetName: `proj-${i}`,
      summary: { b: 1, a: [1, { z: 2, y: 3 }] },
      result: "success",
      ip: "127.0.0.1",
      userAgent: "test",
      requestId: `r${i}`,
      prevHash: prev,
    };
    const e = { ...base, hash: hashEvent(base) };
    out.push(e);
    prev = e.hash;
  }
  return out;
}

function verify(events: StoredEvent[], head: { seq: number; hash: string }) {
  const v = createChainVerifier({ seq: 0, hash: genesisHash });
  v.feed(events);
  return v.finish(head);
}

const headOf = (c: StoredEvent[]) => ({ seq: c.at(-1)!.seq, hash: c.at(-1)!.hash });

describe("canonicalJson", () => {
  it("sorts keys at every depth", () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
  });
});

describe("chain verification", () => {
  it("accepts an intact chain, fed in batches", () => {
    const c = makeChain(10);
    const v = createChainVerifier({ seq: 0, hash: genesisHash });
    v.feed(c.slice(0, 4));
    v.feed(c.slice(4));
    const r = v.finish(headOf(c));
    expect(r.problems).toEqual([]);
    expect(r.checked).toBe(10);
  });
  it("finds an altered event", () => {
    const c = makeChain(5);
    c[2] = { ...c[2]!, actorName: "mallory" };
    const r = verify(c, headOf(c));
    expect(r.problems).toEqual([expect.objectContaining({ seq: 3, kind: "altered" })]);
  });
  it("finds a deleted event in the middle", () => {
    const c = makeChain(5);
    const head = headOf(c);
    c.splice(1, 1);
    const r = verify(c, head);
    expect(r.problems.map((p) => p.kind)).toContain("missing");
    expect(r.problems[0]!.seq).toBe(3);
  });
  it("finds deleted newest events through the head", () => {
    const c = makeChain(5);
    const head = headOf(c);
    const r = verify(c.slice(0, 3), head);
    expect(r.problems).toEqual([expect.objectContaining({ kind: "missing", seq: 4 })]);
  });
  it("finds reordered events", () => {
    const c = makeChain(5);
    // swap the stored positions of events 2 and 3 (renumbering them), as a tamperer reordering rows would
    const a = c[1]!;
    const b = c[2]!;
    c[1] = { ...b, seq: 2 };
    c[2] = { ...a, seq: 3 };
    const r = verify(c, headOf(c));
    expect(r.problems.map((p) => p.kind)).toContain("reordered");
  });
  it("a re-hashed forgery still breaks the link to the next event", () => {
    const c = makeChain(4);
    const forged = { ...c[1]!, actorName: "mallory" };
    forged.hash = hashEvent(forged);
    c[1] = forged;
    const r = verify(c, headOf(c));
    expect(r.problems).toEqual([expect.objectContaining({ seq: 3, kind: "broken_link" })]);
  });
});
