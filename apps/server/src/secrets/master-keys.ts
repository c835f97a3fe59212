import { readFileSync, statSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { AppError } from "@meridian/core";
import { addKeyVersion, formatKeyFile, type KeyRing, loadOrCreateKeyFile, parseKeyFile } from "./key-ring.js";

/**
 * Where the master keys come from: MERIDIAN_MASTER_KEY (one base64 key, or key-file lines) or the key file
 * (`<data dir>/master.key` unless configured). A key file is re-read when it changes, so
 * `meridian keys rotate` takes effect in a running server without a restart.
 */
export interface KeyRingSource {
  get(): KeyRing;
  origin: "config" | "file";
  file: string | null;
}

export function parseInlineKeys(text: string): KeyRing {
  const t = text.trim();
  if (/^v\d+:/m.test(t)) return parseKeyFile(t);
  const key = Buffer.from(t, "base64");
  if (key.length !== 32) throw new AppError("invalid_input", `MERIDIAN_MASTER_KEY must be 32 bytes of base64 (openssl rand -base64 32), got ${key.length} bytes`);
  return parseKeyFile(`v1:${key.toString("base64")}`);
}

export async function openKeyRingSource(opts: { inline?: string; file: string }): Promise<KeyRingSource> {
  if (opts.inline) {
    const ring = parseInlineKeys(opts.inline);
    return { get: () => ring, origin: "config", file: null };
  }
  let ring = await loadOrCreateKeyFile(opts.file);
  let mtime = statSync(opts.file).mtimeMs;
  let checkedAt = Date.now();
  return {
    origin: "file",
    file: opts.file,
    get() {
      // At most one stat per second; a rotation is picked up within a second.
      if (Date.now() - checkedAt > 1000) {
        checkedAt = Date.now();
        try {
          const m = statSync(opts.file).mtimeMs;
          if (m !== mtime) {
            ring = parseKeyFile(readFileSync(opts.file, "utf8"));
            mtime = m;
          }
        } catch {
          // keep the ring we have; a half-written file is retried on the next call
        }
      }
      return ring;
    },
  };
}

/** Adds a new newest key to the key file atomically (write + rename) and returns the new ring. */
export async function addKeyToFile(file: string): Promise<KeyRing> {
  const ring = parseKeyFile(await readFile(file, "utf8"));
  const next = addKeyVersion(ring);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, formatKeyFile(next), { mode: 0o600 });
  await rename(tmp, file);
  return next;
}
