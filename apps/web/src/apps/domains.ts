import type { AppRoute, Domain } from "@meridian/core";
import type { Tone } from "../clusters/health";

/** Domains tab: which route has which domain, and what a certificate's state means in words. */

export const domainKey = (r: Pick<AppRoute, "host" | "path">) => `${r.host}${r.path || "/"}`;

/**
 * The spec's routes of an environment, each with its domain when a deploy created it; and the domains the
 * environment still routes that the spec no longer has (they go with the next deploy).
 */
export function splitDomains(routes: AppRoute[], domains: Domain[], environmentId: string): { rows: { route: AppRoute; domain: Domain | null }[]; orphans: Domain[] } {
  const here = domains.filter((d) => d.environmentId === environmentId);
  const byKey = new Map(here.map((d) => [domainKey(d), d]));
  const rows = routes.map((route) => ({ route, domain: byKey.get(domainKey(route)) ?? null }));
  const used = new Set(routes.map(domainKey));
  return { rows, orphans: here.filter((d) => !used.has(domainKey(d))) };
}

const day = 86_400_000;

/** Whole days from now until `iso` (negative once past). */
export function daysUntil(iso: string, now = Date.now()): number {
  return Math.floor((new Date(iso).getTime() - now) / day);
}

export interface CertificateSummary {
  tone: Tone;
  label: string;
  /** Days left before expiry, when there is a certificate. */
  daysLeft: number | null;
}

/** The certificate's badge: state, turning amber two weeks before expiry and red once expired. */
export function certificateSummary(c: Domain["certificate"], now = Date.now()): CertificateSummary {
  const daysLeft = c.notAfter ? daysUntil(c.notAfter, now) : null;
  const has = c.state === "issued" || c.state === "uploaded";
  if (has && daysLeft !== null && daysLeft < 0) return { tone: "danger", label: "expired", daysLeft };
  switch (c.state) {
    case "none":
      return { tone: "neutral", label: "no certificate", daysLeft };
    case "pending":
      return { tone: "accent", label: "issuing…", daysLeft };
    case "failed":
      return { tone: "danger", label: "issuing failed", daysLeft };
    default:
      return { tone: daysLeft !== null && daysLeft < 14 ? "warning" : "success", label: c.state, daysLeft };
  }
}

/** "in 29 days", "today", "3 days ago". */
export function daysText(days: number): string {
  if (days === 0) return "today";
  if (days > 0) return `in ${days} day${days === 1 ? "" : "s"}`;
  return `${-days} day${days === -1 ? "" : "s"} ago`;
}

/** The PEM blocks a pasted or chosen file has, so the upload form can say what is missing before sending. */
export function pemProblems(certificatePem: string, privateKeyPem: string): { certificate?: string; key?: string } {
  const out: { certificate?: string; key?: string } = {};
  if (!certificatePem.trim()) out.certificate = "Paste the certificate chain or choose its file";
  else if (!/-----BEGIN CERTIFICATE-----/.test(certificatePem)) out.certificate = "Not a PEM certificate: it starts with -----BEGIN CERTIFICATE-----";
  else if (/PRIVATE KEY-----/.test(certificatePem)) out.certificate = "This contains a private key: put the key in the field below, the chain here";
  if (!privateKeyPem.trim()) out.key = "Paste the private key or choose its file";
  else if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKeyPem)) out.key = "Not a PEM private key: it starts with -----BEGIN … PRIVATE KEY-----";
  return out;
}
