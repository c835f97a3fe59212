import { createHash, X509Certificate } from "node:crypto";
import { AppError, type AppTarget, type ApplyResult, type DesiredApp } from "@meridian/core";
import type { CaddyAdmin, CaddyCertificate } from "./caddy-admin.js";

type DesiredCertificate = NonNullable<DesiredApp["certificates"]>[number];

/** Tag naming the owning app, so the app's certificates are found without guessing from ids. */
export function getOwnerTag(t: AppTarget): string {
  return `meridian:${t.namespace}/${t.app}`;
}

export function renderCertificate(t: AppTarget, cert: DesiredCertificate): CaddyCertificate {
  const hash = createHash("sha256").update(`${t.namespace}\0${t.app}\0${cert.host}`).digest("hex").slice(0, 12);
  return { "@id": `meridian.cert.${t.app}.${hash}`, certificate: cert.certPem, key: cert.keyPem, tags: ["meridian", getOwnerTag(t), `host:${cert.host}`] };
}

/** What a diff may show of a certificate: its subject and validity, never the key. */
function describe(cert: CaddyCertificate | undefined): string {
  if (!cert) return "";
  try {
    const x = new X509Certificate(cert.certificate);
    return `certificate ${x.subject.replace(/\n/g, ", ")}; valid ${x.validFrom} to ${x.validTo}; fingerprint ${x.fingerprint256}\n`;
  } catch {
    return "certificate (unreadable PEM)\n";
  }
}

const sameCertificate = (a: CaddyCertificate, b: CaddyCertificate) => a.certificate === b.certificate && a.key === b.key && JSON.stringify(a.tags ?? []) === JSON.stringify(b.tags ?? []);

/**
 * Makes the app's certificates in Caddy's tls app (load_pem; served by SNI on the TLS listener) match the desired
 * ones: one entry per host, replaced as a whole when the certificate changes (renewal), removed when no longer
 * desired. The key ends up in Caddy's config (and its autosave), which is where Caddy needs it.
 */
export async function syncCertificates(admin: CaddyAdmin, t: AppTarget, desired: DesiredCertificate[], dryRun: boolean): Promise<ApplyResult[]> {
  const current = (await admin.listCertificates()).filter((c) => c.tags?.includes(getOwnerTag(t)));
  const results: ApplyResult[] = [];
  const wantIds = new Set<string>();
  for (const cert of desired) {
    const entry = renderCertificate(t, cert);
    const id = entry["@id"] as string;
    wantIds.add(id);
    const before = current.find((c) => c["@id"] === id);
    const base = { kind: "CaddyCertificate", namespace: t.namespace, name: cert.host };
    if (before && sameCertificate(before, entry)) {
      results.push({ ...base, action: "unchanged", diff: "" });
      continue;
    }
    try {
      new X509Certificate(cert.certPem);
    } catch (error) {
      throw new AppError("invalid_input", `the certificate for ${cert.host} is not a PEM certificate`, { cause: error });
    }
    if (!dryRun) {
      if (before) await admin.replaceById(id, entry);
      else await admin.addCertificate(entry);
    }
    results.push({ ...base, action: before ? "configured" : "created", diff: `${before ? `- ${describe(before)}` : ""}+ ${describe(entry)}` });
  }
  for (const stale of current.filter((c) => !wantIds.has(c["@id"] ?? ""))) {
    if (!dryRun && stale["@id"]) await admin.deleteById(stale["@id"]);
    const host = stale.tags?.find((tag) => tag.startsWith("host:"))?.slice(5) ?? String(stale["@id"]);
    results.push({ kind: "CaddyCertificate", namespace: t.namespace, name: host, action: "configured", diff: `- ${describe(stale)}` });
  }
  return results;
}
