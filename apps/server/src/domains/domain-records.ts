import { X509Certificate } from "node:crypto";
import type { Domain } from "@meridian/core";

export interface CertificateDoc {
  state?: Domain["certificate"]["state"];
  source?: "acme" | "upload";
  pem?: string;
  keyCiphertext?: string;
  issuer?: string;
  notBefore?: string;
  notAfter?: string;
  error?: string | null;
  updatedAt?: string;
  /** Failed ACME attempts in a row, for backoff. */
  failures?: number;
}

export interface DomainRow {
  id: string;
  org_id: string;
  app_id: string;
  environment_id: string;
  environment_slug: string;
  host: string;
  path: string;
  verification_token: string;
  verified_at: string | null;
  verification_error: string | null;
  checked_at: string | null;
  certificate: CertificateDoc;
}

export const domainSelect = "SELECT d.*, e.slug AS environment_slug FROM app_domains d JOIN environments e ON e.id = d.environment_id";
export const txtName = (host: string) => `_meridian-challenge.${host.replace(/^\*\./, "")}`;
export const httpChallengePath = (token: string) => `/.well-known/meridian-challenge/${token}`;
export const renewBeforeMs = 30 * 86_400_000;

export function toDomain(r: DomainRow): Domain {
  const c = r.certificate;
  return {
    id: r.id,
    host: r.host,
    path: r.path,
    environmentId: r.environment_id,
    environmentSlug: r.environment_slug,
    verification: {
      verified: r.verified_at !== null,
      verifiedAt: r.verified_at,
      dnsRecord: { type: "TXT", name: txtName(r.host), value: r.verification_token },
      httpUrl: `http://${r.host}${httpChallengePath(r.verification_token)}`,
      lastError: r.verification_error,
      checkedAt: r.checked_at,
    },
    certificate: {
      state: c.state ?? "none",
      issuer: c.issuer ?? null,
      notBefore: c.notBefore ?? null,
      notAfter: c.notAfter ?? null,
      renewAt: c.source === "acme" && c.notAfter ? new Date(new Date(c.notAfter).getTime() - renewBeforeMs).toISOString() : null,
      lastError: c.error ?? null,
      updatedAt: c.updatedAt ?? null,
    },
  };
}

/** Reads the leaf of a PEM chain: issuer, validity, and which names it covers. */
export function describeCertificate(pem: string): { issuer: string; notBefore: string; notAfter: string; names: string[] } {
  const leaf = new X509Certificate(pem);
  const names = (leaf.subjectAltName ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.startsWith("DNS:"))
    .map((s) => s.slice(4));
  return { issuer: leaf.issuer.replace(/\n/g, ", "), notBefore: new Date(leaf.validFrom).toISOString(), notAfter: new Date(leaf.validTo).toISOString(), names };
}

export function certificateCovers(names: string[], host: string): boolean {
  return names.some((n) => n === host || (n.startsWith("*.") && host.endsWith(n.slice(1)) && host.split(".").length === n.split(".").length));
}
