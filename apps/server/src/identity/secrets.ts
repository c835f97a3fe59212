import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { hash as argonHash, verify as argonVerify } from "@node-rs/argon2";

/** A random secret with a recognisable prefix (secret scanners can find leaked tokens by it). */
export function generateSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** Tokens and session ids are high-entropy, so a plain SHA-256 suffices for storage (no slow hash needed). */
export function hashSecret(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

/** argon2id with OWASP's minimum (19 MiB, t=2, p=1); `fast` is for test suites only. */
export function createPasswordHasher(fast = false): PasswordHasher {
  const options = fast ? { memoryCost: 1024, timeCost: 1, parallelism: 1 } : { memoryCost: 19_456, timeCost: 2, parallelism: 1 };
  return {
    hash: (password) => argonHash(password, { ...options, algorithm: 2 }),
    async verify(hash, password) {
      try {
        return await argonVerify(hash, password);
      } catch {
        return false;
      }
    },
  };
}
