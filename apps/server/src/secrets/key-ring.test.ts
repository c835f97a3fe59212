import { describe, expect, it } from "vitest";
import { openAesGcm, sealAesGcm } from "./envelope.js";
import { addKeyVersion, formatKeyFile, parseKeyFile } from "./key-ring.js";

describe("AES-256-GCM wrapper", () => {
  it("matches the GCM specification's test case 16 (AES-256, 60-byte plaintext, 20-byte AAD)", () => {
    const key = Buffer.from("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "hex");
    const iv = Buffer.from("cafebabefacedbaddecaf888", "hex");
    const aad = Buffer.from("feedfacedeadbeeffeedfacedeadbeefabaddad2", "hex");
    const ct = Buffer.from("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662", "hex");
    const tag = Buffer.from("76fc6ece0f4e1768cddf8853bb2d551b", "hex");
    const pt = openAesGcm(key, iv, Buffer.concat([ct, tag]), aad);
    expect(pt.toString("hex")).toBe("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
  });
  it("rejects a flipped bit in ciphertext, tag or additional data", () => {
    const key = Buffer.alloc(32, 7);
    const { nonce, sealed } = sealAesGcm(key, Buffer.from("kubeconfig token"), Buffer.from("org|cluster|c1|token"));
    expect(openAesGcm(key, nonce, sealed, Buffer.from("org|cluster|c1|token")).toString()).toBe("kubeconfig token");
    for (const i of [0, sealed.length - 1]) {
      const bad = Buffer.from(sealed);
      bad[i] = (bad[i] as number) ^ 1;
      expect(() => openAesGcm(key, nonce, bad, Buffer.from("org|cluster|c1|token"))).toThrow(/integrity/);
    }
    expect(() => openAesGcm(key, nonce, sealed, Buffer.from("org|cluster|c2|token"))).toThrow(/integrity/);
  });
});

describe("key ring", () => {
  it("parses, adds a version and writes back", () => {
    const ring = parseKeyFile(`# comment\nv1:${Buffer.alloc(32, 1).toString("base64")}\n`);
    expect(ring.current).toBe(1);
    const next = addKeyVersion(ring);
    expect(next.current).toBe(2);
    expect(next.get(1)?.equals(Buffer.alloc(32, 1))).toBe(true);
    const again = parseKeyFile(formatKeyFile(next));
    expect(again.versions()).toEqual([1, 2]);
    expect(again.get(2)?.equals(next.get(2) as Buffer)).toBe(true);
  });
  it("rejects malformed files with the line number", () => {
    expect(() => parseKeyFile("v1:short")).toThrow(/line 1: a key must be 32 bytes/);
    expect(() => parseKeyFile("\nnonsense")).toThrow(/line 2/);
    expect(() => parseKeyFile("# nothing\n")).toThrow(/no keys/);
  });
});
