import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { Agent } from "node:https";
import * as acme from "acme-client";
import { AppError, type ClusterDriver, type DesiredApp } from "@meridian/core";
import type { Database, Queryable } from "@meridian/db";
import { loadDeployment, targetOf } from "../apps/deployment-state.js";
import type { Envelope } from "../secrets/envelope.js";
import type { Lookup } from "./lookup.js";
import { type CertificateDoc, certificateCovers, describeCertificate, domainSelect, type DomainRow, httpChallengePath, renewBeforeMs, txtName } from "./domain-records.js";

/**
 * Domains of apps: ownership is proved by a TXT record or by the router answering Meridian's HTTP challenge; then
 * certificates come from an ACME CA (HTTP-01 answered by the same router) or are uploaded. Keys are envelope-encrypted.
 * A loop verifies pending domains and renews certificates 30 days before they expire; every change to a domain's
 * certificate re-applies the app so the router (Caddy) or the Ingress serves it.
 */
export interface DomainServiceDeps {
  db: Database;
  envelope: Envelope;
  lookup: Lookup;
  driverFor(clusterId: string): ClusterDriver;
  /** Re-applies an app's steady state (new certificates) when no release is running. */
  resync(appId: string, environmentId: string): Promise<void>;
  acme: { directoryUrl: string; email: string | null; caFile: string | null } | null;
  httpChallengePort: number;
  sweepSeconds: number;
  log(level: "info" | "warn" | "error", msg: string, extra?: object): void;
}

const keyContext = (domainId: string) => ({ resourceType: "domain", resourceId: domainId, field: "private-key" });
const accountContext = (orgId: string) => ({ resourceType: "acme-account", resourceId: orgId, field: "key" });

export function createDomainService(deps: DomainServiceDeps) {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const inFlight = new Map<string, Promise<DomainRow>>();

  async function load(db: Queryable, id: string): Promise<DomainRow> {
    const r = await db.query<DomainRow>(`${domainSelect} WHERE d.id = $1`, [id]);
    if (!r.rows[0]) throw new AppError("not_found", "domain not found");
    return r.rows[0];
  }
  async function saveCertificate(id: string, doc: CertificateDoc): Promise<void> {
    await deps.db.query("UPDATE app_domains SET certificate = $2 WHERE id = $1", [id, JSON.stringify({ ...doc, updatedAt: new Date().toISOString() })]);
  }
  const driverOf = async (d: DomainRow) => {
    const dep = await loadDeployment(deps.db, d.app_id, d.environment_id);
    if (!dep) throw new AppError("conflict", `${d.host} is not deployed yet: deploy the app to ${d.environment_slug} first`);
    return { driver: deps.driverFor(dep.cluster_id), target: targetOf(dep) };
  };

  async function verify(id: string): Promise<DomainRow> {
    const d = await load(deps.db, id);
    let error: string | null = null;
    let ok = false;
    try {
      const txt = await deps.lookup.txt(txtName(d.host));
      ok = txt.includes(d.verification_token);
      if (!ok) {
        const { driver, target } = await driverOf(d);
        const path = httpChallengePath(d.verification_token);
        await driver.serveChallenge(target, d.host, path, d.verification_token);
        try {
          const res = await deps.lookup.httpGet(d.host, deps.httpChallengePort, path);
          ok = res.status === 200 && res.body.trim() === d.verification_token;
          if (!ok) error = `no TXT record ${txtName(d.host)} with the token, and http://${d.host}${path} answered ${res.status}`;
        } finally {
          await driver.serveChallenge(target, d.host, path, null).catch(() => undefined);
        }
      }
    } catch (err) {
      error = `no TXT record ${txtName(d.host)} with the token, and the HTTP check failed: ${(err as Error).message}`;
    }
    await deps.db.query("UPDATE app_domains SET verified_at = CASE WHEN $2 THEN coalesce(verified_at, now()) ELSE verified_at END, verification_error = $3, checked_at = now() WHERE id = $1", [
      id,
      ok,
      ok ? null : error,
    ]);
    return load(deps.db, id);
  }

  async function accountClient(orgId: string): Promise<acme.Client> {
    const cfg = deps.acme as NonNullable<DomainServiceDeps["acme"]>;
    const r = await deps.db.query<{ key_ciphertext: string; account_url: string | null }>("SELECT key_ciphertext, account_url FROM acme_accounts WHERE org_id = $1 AND directory = $2", [orgId, cfg.directoryUrl]);
    let key: string;
    if (r.rows[0]) key = await deps.envelope.decrypt(deps.db, orgId, accountContext(orgId), r.rows[0].key_ciphertext);
    else {
      key = (await acme.crypto.createPrivateKey()).toString();
      await deps.db.query("INSERT INTO acme_accounts (org_id, directory, key_ciphertext) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING", [orgId, cfg.directoryUrl, await deps.envelope.encrypt(deps.db, orgId, accountContext(orgId), key)]);
    }
    return new acme.Client({ directoryUrl: cfg.directoryUrl, accountKey: key, accountUrl: r.rows[0]?.account_url ?? undefined, backoffAttempts: 10, backoffMin: 500, backoffMax: 5000 });
  }

  async function issue(id: string): Promise<DomainRow> {
    const d = await load(deps.db, id);
    if (!deps.acme) throw new AppError("invalid_input", "no ACME CA is configured (MERIDIAN_ACME_DIRECTORY): upload a certificate instead");
    if (!d.verified_at) throw new AppError("conflict", `${d.host} is not verified yet: add the TXT record ${txtName(d.host)} = ${d.verification_token}, or point it at the router, then verify`);
    if (d.host.startsWith("*.")) throw new AppError("invalid_input", "wildcard certificates need a DNS-01 challenge; upload one instead");
    const prev = d.certificate;
    await saveCertificate(id, { ...prev, state: prev.pem ? prev.state : "pending", error: null });
    const { driver, target } = await driverOf(d);
    const served: string[] = [];
    try {
      const client = await accountClient(d.org_id);
      const [key, csr] = await acme.crypto.createCsr({ commonName: d.host, altNames: [d.host] });
      const pem = await client.auto({
        csr,
        email: deps.acme.email ?? undefined,
        termsOfServiceAgreed: true,
        challengePriority: ["http-01"],
        // Meridian checked reachability itself (verify); the library's own pre-check would use the system resolver.
        skipChallengeVerification: true,
        challengeCreateFn: async (_authz, challenge, keyAuthorization) => {
          const path = `/.well-known/acme-challenge/${challenge.token}`;
          served.push(path);
          await driver.serveChallenge(target, d.host, path, keyAuthorization);
        },
        challengeRemoveFn: async () => undefined,
      });
      const info = describeCertificate(pem);
      await saveCertificate(id, {
        state: "issued",
        source: "acme",
        pem,
        keyCiphertext: await deps.envelope.encrypt(deps.db, d.org_id, keyContext(id), key.toString()),
        issuer: info.issuer,
        notBefore: info.notBefore,
        notAfter: info.notAfter,
        error: null,
        failures: 0,
      });
      await deps.db.query("INSERT INTO acme_accounts (org_id, directory, key_ciphertext, account_url) SELECT org_id, directory, key_ciphertext, $3 FROM acme_accounts WHERE org_id = $1 AND directory = $2 ON CONFLICT (org_id, directory) DO UPDATE SET account_url = EXCLUDED.account_url", [
        d.org_id,
        deps.acme.directoryUrl,
        client.getAccountUrl(),
      ]);
      deps.log("info", "certificate issued", { host: d.host, notAfter: info.notAfter });
    } catch (err) {
      const message = (err as Error).message;
      // A certificate that still works is kept and served; the error says why renewal failed.
      await saveCertificate(id, { ...prev, state: prev.pem ? prev.state : "failed", error: message, failures: (prev.failures ?? 0) + 1 });
      deps.log("warn", "certificate not issued", { host: d.host, err: message });
    } finally {
      for (const p of served) await driver.serveChallenge(target, d.host, p, null).catch(() => undefined);
    }
    await deps.resync(d.app_id, d.environment_id).catch((err: unknown) => deps.log("warn", "could not apply the new certificate", { host: d.host, err: String(err) }));
    return load(deps.db, id);
  }

  /** One verification or issuance per domain at a time: a second request waits for the first. */
  const once = (key: string, fn: () => Promise<DomainRow>) => {
    const running = inFlight.get(key);
    if (running) return running;
    const p = fn().finally(() => inFlight.delete(key));
    inFlight.set(key, p);
    return p;
  };

  async function sweep(): Promise<void> {
    const r = await deps.db.query<DomainRow>(`${domainSelect} JOIN app_deployments ad ON ad.app_id = d.app_id AND ad.environment_id = d.environment_id`);
    const now = Date.now();
    for (const d of r.rows) {
      if (stopped) return;
      if (!d.verified_at) {
        // Pending domains are checked again every 5 minutes.
        if (!d.checked_at || now - new Date(d.checked_at).getTime() > 300_000) await once(`v|${d.id}`, () => verify(d.id)).catch(() => undefined);
        continue;
      }
      if (!deps.acme || d.certificate.source === "upload") continue;
      const c = d.certificate;
      // An expiry that can't be read counts as due: renewing early is harmless, serving an expired certificate isn't.
      const expires = c.notAfter ? Date.parse(c.notAfter) : Number.NaN;
      const due = !c.pem || !Number.isFinite(expires) || expires - now < renewBeforeMs;
      const backoffMs = Math.min(86_400_000, 60_000 * 2 ** Math.min(10, c.failures ?? 0));
      const waited = !c.updatedAt || now - new Date(c.updatedAt).getTime() > backoffMs || !c.failures;
      if (due && waited) await once(`i|${d.id}`, () => issue(d.id)).catch(() => undefined);
    }
  }

  return {
    verify: (id: string) => once(`v|${id}`, () => verify(id)),
    /** Verifies first when needed, then issues. */
    async verifyThenIssue(id: string): Promise<DomainRow> {
      const d = await once(`v|${id}`, () => verify(id));
      if (d.verified_at && deps.acme && d.certificate.source !== "upload" && !d.certificate.pem) return once(`i|${id}`, () => issue(id));
      return d;
    },
    issue: (id: string) => once(`i|${id}`, () => issue(id)),
    async upload(db: Queryable, id: string, certificatePem: string, privateKeyPem: string): Promise<void> {
      const d = await load(db, id);
      let info: ReturnType<typeof describeCertificate>;
      try {
        info = describeCertificate(certificatePem);
        const leaf = new X509Certificate(certificatePem);
        if (!leaf.checkPrivateKey(createPrivateKey(privateKeyPem))) throw new Error("the private key does not belong to the certificate");
      } catch (err) {
        throw new AppError("invalid_input", `not a usable certificate and key: ${(err as Error).message}`);
      }
      if (!certificateCovers(info.names, d.host)) throw new AppError("invalid_input", `the certificate is for ${info.names.join(", ") || "no DNS names"}, not ${d.host}`);
      if (new Date(info.notAfter).getTime() < Date.now()) throw new AppError("invalid_input", `the certificate expired on ${info.notAfter}`);
      const doc: CertificateDoc = { state: "uploaded", source: "upload", pem: certificatePem, keyCiphertext: await deps.envelope.encrypt(db, d.org_id, keyContext(id), privateKeyPem), issuer: info.issuer, notBefore: info.notBefore, notAfter: info.notAfter, error: null, updatedAt: new Date().toISOString() };
      await db.query("UPDATE app_domains SET certificate = $2 WHERE id = $1", [id, JSON.stringify(doc)]);
    },
    /** Certificates of an app in an environment, keys decrypted, for the desired state the driver applies. */
    async certificatesFor(db: Queryable, orgId: string, appId: string, environmentId: string): Promise<NonNullable<DesiredApp["certificates"]>> {
      const r = await db.query<DomainRow>(`${domainSelect} WHERE d.app_id = $1 AND d.environment_id = $2 AND d.certificate ? 'pem' ORDER BY d.host`, [appId, environmentId]);
      const out: NonNullable<DesiredApp["certificates"]> = [];
      const seen = new Set<string>();
      for (const d of r.rows) {
        if (seen.has(d.host) || !d.certificate.pem || !d.certificate.keyCiphertext) continue;
        seen.add(d.host);
        out.push({ host: d.host, certPem: d.certificate.pem, keyPem: await deps.envelope.decrypt(db, orgId, keyContext(d.id), d.certificate.keyCiphertext) });
      }
      return out;
    },
    /** Applies the app again after its certificates changed (upload), logging rather than failing. */
    async applyLater(appId: string, environmentId: string): Promise<void> {
      await deps.resync(appId, environmentId).catch((err: unknown) => deps.log("warn", "could not apply the new certificate", { err: String(err) }));
    },
    async start() {
      if (deps.acme?.caFile) {
        // The CA's directory is served over TLS signed by a private root (Pebble, an internal CA).
        acme.axios.defaults.httpsAgent = new Agent({ ca: await readFile(deps.acme.caFile) });
      }
      const loop = async () => {
        if (stopped) return;
        await sweep().catch((err: unknown) => deps.log("error", "domain sweep failed", { err: String(err) }));
        if (!stopped) timer = setTimeout(loop, deps.sweepSeconds * 1000);
      };
      timer = setTimeout(loop, Math.min(5, deps.sweepSeconds) * 1000);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}
export type DomainService = ReturnType<typeof createDomainService>;
