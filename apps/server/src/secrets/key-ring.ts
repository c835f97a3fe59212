import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chmod, writeFile } from "node:fs/promises";
import { AppError } from "@meridian/core";

/**
 * Key-encryption keys (KEKs), versioned. The key file holds one `v<N>:<base64 of 32 bytes>` per line; the
 * highest version wraps new data keys, older ones only unwrap until `meridian keys rotate` rewraps them.
 */
export interface KeyRing {
  current: number;
  get(version: number): Buffer | undefined;
  versions(): number[];
}

export function parseKeyFile(text: string): KeyRing {
  const keys = new Map<number, Buffer>();
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^v(\d+):([A-Za-z0-9+/=_-]+)$/.exec(line);
    if (!m) throw new AppError("invalid_input", `key file line ${i + 1}: expected v<N>:<base64 key>`);
    const key = Buffer.from(m[2] as string, "base64");
    if (key.length !== 32) throw new AppError("invalid_input", `key file line ${i + 1}: a key must be 32 bytes (AES-256), got ${key.length}`);
    keys.set(Number(m[1]), key);
  }
  if (keys.size === 0) throw new AppError("invalid_input", "the key file holds no keys");
  return ringOf(keys);
}

function ringOf(keys: Map<number, Buffer>): KeyRing {
  const versions = [...keys.keys()].sort((a, b) => a - b);
  return { current: versions[versions.length - 1] as number, get: (v) => keys.get(v), versions: () => versions };
}

export function formatKeyFile(ring: KeyRing): string {
  return `# Meridian master keys (KEKs). Keep this file secret and backed up: without it, encrypted secrets are lost.\n${ring
    .versions()
    .map((v) => `v${v}:${(ring.get(v) as Buffer).toString("base64")}`)
    .join("\n")}\n`;
}

/** Reads the key file, creating it with a fresh v1 key (mode 0600) on first use. */
export async function loadOrCreateKeyFile(path: string): Promise<KeyRing> {
  if (existsSync(path)) return parseKeyFile(readFileSync(path, "utf8"));
  const ring = ringOf(new Map([[1, randomBytes(32)]]));
  await writeFile(path, formatKeyFile(ring), { mode: 0o600, flag: "wx" });
  await chmod(path, 0o600);
  return ring;
}

/** A ring with one more, newer key; the caller writes it out and then rewraps the data keys. */
export function addKeyVersion(ring: KeyRing): KeyRing {
  const keys = new Map(ring.versions().map((v) => [v, ring.get(v) as Buffer]));
  keys.set(ring.current + 1, randomBytes(32));
  return ringOf(keys);
}
