import { type App, type AppEnvironmentStatus, AppRoute, AppSpec, type Domain } from "@meridian/core";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { ActionButton } from "../actions/action-button";
import { useActionContext } from "../actions/action-context";
import { appActions } from "../actions/app-catalog";
import { api } from "../api/client";
import { errorMessage, fieldErrorsOf } from "../api/errors";
import { afterWrite, useApiQuery } from "../api/hooks";
import { certificateSummary, daysText, domainKey, splitDomains } from "../apps/domains";
import { addRoute, removeRoute, routesFor, routeUrl } from "../apps/spec-edit";
import { Button } from "../ui/button";
import { Alert, Badge, CopyField, EmptyState, ErrorState, formatDate, formatTime, relativeTime } from "../ui/feedback";
import { ConflictAlert, isConflict, useSaveSpec } from "./spec-conflict";

/**
 * Routes (domains) per environment. Routes are part of the spec: the app's routes apply to every environment
 * without its own list; adding one for a single environment gives it its own list. Deploying creates the
 * domain: ownership verification (a TXT record, or the router answering an HTTP challenge) and its
 * certificate (ACME, or uploaded).
 */
export function AppDomains({ app }: { app: App }) {
  const ctx = useActionContext();
  const { save, busy, conflict, reload } = useSaveSpec(app);
  const domains = useApiQuery(
    "listAppDomains",
    { params: { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name } },
    { refetchInterval: (d) => (d?.items.some((x) => x.certificate.state === "pending") ? 2000 : 30_000) },
  );
  const [host, setHost] = useState("");
  const [path, setPath] = useState("/");
  const [port, setPort] = useState("");
  const [scope, setScope] = useState("all");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const httpPorts = app.spec.ports.filter((p) => p.protocol === "http");
  async function saveSpec(spec: AppSpec, done: string): Promise<boolean> {
    const check = AppSpec.safeParse(spec);
    if (!check.success) {
      setFormError(check.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      return false;
    }
    try {
      await save(spec);
      ctx.notify("success", done);
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      const fields = Object.entries(fieldErrorsOf(err)).map(([k, m]) => `${k}: ${m}`);
      setFormError(fields.length ? `${errorMessage(err)} — ${fields.join("; ")}` : errorMessage(err));
      return false;
    }
  }
  async function add() {
    setFormError(null);
    const r = AppRoute.safeParse({ host: host.trim().toLowerCase(), path: path.trim() || "/", ...(port ? { port } : {}) });
    if (!r.success) {
      setErrors(Object.fromEntries(r.error.issues.map((i) => [String(i.path[0] ?? "host"), i.message])));
      return;
    }
    setErrors({});
    if (await saveSpec(addRoute(app.spec, r.data, scope), `Added ${r.data.host}${r.data.path === "/" ? "" : r.data.path}. Deploy to route it.`)) {
      setHost("");
      setPath("/");
    }
  }
  return (
    <div className="app-domains">
      {httpPorts.length === 0 ? <Alert kind="info">This app has no http port, so it cannot take routes. Add a port with protocol http in the Spec tab first.</Alert> : null}
      {conflict ? <ConflictAlert onReload={reload} what="the route change" /> : null}
      {formError ? <Alert kind="error">{formError}</Alert> : null}
      {domains.error ? <ErrorState error={domains.error} onRetry={() => void domains.refetch()} /> : null}
      {app.environments.length === 0 ? <EmptyState title="This project has no environments" /> : null}
      {app.environments.map((e) => {
        const { routes, overridden } = routesFor(app.spec, e.environmentSlug);
        const { rows, orphans } = splitDomains(routes, domains.data?.items ?? [], e.environmentId);
        return (
          <section key={e.environmentId} className="card app-section" data-env={e.environmentSlug} aria-label={`Domains in ${e.environmentName}`}>
            <div className="section-head">
              <h2>{e.environmentName}</h2>
              <span className="small muted">{overridden ? "Own routes (override)" : "App routes"}</span>
            </div>
            {routes.length === 0 && orphans.length === 0 ? <p className="muted small">No routes: the app is reachable only inside the cluster.</p> : null}
            <ul className="domain-list" aria-label={`Routes in ${e.environmentName}`}>
              {rows.map(({ route: r, domain }, i) => (
                <DomainCard
                  key={domainKey(r)}
                  app={app}
                  env={e}
                  route={r}
                  portLabel={r.port !== undefined ? String(r.port) : `${httpPorts[0]?.name ?? "—"} (first http)`}
                  domain={domain}
                  loading={domains.isLoading}
                  remove={
                    <Button
                      size="sm"
                      variant="ghost"
                      className="btn-danger-text"
                      busy={busy}
                      aria-label={`Remove ${r.host}${r.path} from ${overridden ? e.environmentName : "every environment"}`}
                      onClick={() => void saveSpec(removeRoute(app.spec, i, overridden ? e.environmentSlug : "all"), `Removed ${r.host}. Deploy to stop routing it.`)}
                    >
                      Remove
                    </Button>
                  }
                />
              ))}
              {orphans.map((d) => (
                <DomainCard key={d.id} app={app} env={e} route={d} domain={d} loading={false} orphan />
              ))}
            </ul>
          </section>
        );
      })}
      <section className="card app-section" aria-labelledby="add-route-title">
        <h2 id="add-route-title">Add a route</h2>
        <p className="small muted">"All environments" adds it to the app's routes, used by every environment without its own list; "Only …" gives that environment its own list.</p>
        <form
          className="form-grid route-form"
          onSubmit={(ev) => {
            ev.preventDefault();
            void add();
          }}
        >
          <label className="field">
            <span>Host</span>
            <input className="input mono" placeholder="shop.example.com" value={host} onChange={(ev) => setHost(ev.currentTarget.value)} aria-invalid={errors.host ? true : undefined} />
            {errors.host ? <span className="field-error">{errors.host}</span> : null}
          </label>
          <label className="field">
            <span>Path</span>
            <input className="input mono" value={path} onChange={(ev) => setPath(ev.currentTarget.value)} aria-invalid={errors.path ? true : undefined} />
            {errors.path ? <span className="field-error">{errors.path}</span> : null}
          </label>
          <label className="field">
            <span>Port</span>
            <select className="input" value={port} onChange={(ev) => setPort(ev.currentTarget.value)}>
              <option value="">First http port</option>
              {app.spec.ports.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name} ({p.port}/{p.protocol})
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Environments</span>
            <select className="input" value={scope} onChange={(ev) => setScope(ev.currentTarget.value)}>
              <option value="all">All environments</option>
              {app.environments.map((e) => (
                <option key={e.environmentId} value={e.environmentSlug}>
                  Only {e.environmentName}
                </option>
              ))}
            </select>
          </label>
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={busy} disabled={httpPorts.length === 0}>
              Add route
            </Button>
          </div>
        </form>
        <p className="small muted">A route becomes a domain when the app is deployed to an environment that uses it. Then prove you own the host, and Meridian issues its certificate (when an ACME CA is configured), or upload your own.</p>
      </section>
    </div>
  );
}

/**
 * One route of an environment: before a deploy only the route; after it, its domain with the ownership
 * check (instructions, Verify, the last error) and the certificate (state, dates, issue now, upload).
 */
function DomainCard({
  app,
  env,
  route,
  domain,
  loading,
  portLabel,
  remove,
  orphan,
}: {
  app: App;
  env: AppEnvironmentStatus;
  route: { host: string; path: string };
  domain: Domain | null;
  loading: boolean;
  portLabel?: string;
  remove?: ReactNode;
  orphan?: boolean;
}) {
  const ctx = useActionContext();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<"verify" | "issue" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cert = domain ? certificateSummary(domain.certificate) : null;
  const secure = domain?.certificate.state === "issued" || domain?.certificate.state === "uploaded";
  const label = `${route.host}${route.path === "/" ? "" : route.path}`;
  async function act(kind: "verify" | "issue") {
    if (!domain) return;
    setBusy(kind);
    setError(null);
    const params = { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name, domainId: domain.id };
    try {
      const after = kind === "verify" ? await api.call("verifyAppDomain", { params }) : await api.call("issueDomainCertificate", { params });
      if (kind === "verify") ctx.notify(after.verification.verified ? "success" : "info", after.verification.verified ? `${domain.host} is verified${after.certificate.state === "issued" ? " and has a certificate" : ""}` : `${domain.host} is not verified yet: see why on its card`);
      else ctx.notify(after.certificate.state === "issued" ? "success" : "info", after.certificate.state === "issued" ? `Issued a certificate for ${domain.host}` : `Certificate for ${domain.host}: ${after.certificate.state}`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
      await afterWrite(queryClient);
    }
  }
  return (
    <li className="domain-card" data-host={route.host} data-verified={domain ? String(domain.verification.verified) : undefined} data-certificate={domain?.certificate.state}>
      <div className="domain-head">
        <a href={secure ? routeUrl(route).replace(/^http:/, "https:") : routeUrl(route)} target="_blank" rel="noreferrer" className="mono domain-host">
          {label}
        </a>
        {portLabel ? <span className="small muted">port {portLabel}</span> : null}
        {domain ? (
          <>
            <Badge tone={domain.verification.verified ? "success" : "warning"}>{domain.verification.verified ? "verified" : "not verified"}</Badge>
            {cert ? (
              <span data-testid="certificate-state">
                <Badge tone={cert.tone}>{cert.label}</Badge>
              </span>
            ) : null}
          </>
        ) : null}
        <span className="domain-actions">{remove}</span>
      </div>
      {orphan ? <p className="small muted">Removed from the spec: still routed here until the next deploy to {env.environmentName}.</p> : null}
      {!domain ? (
        loading ? (
          <p className="small muted">Loading its status…</p>
        ) : (
          <div className="domain-undeployed">
            <p className="small muted">
              Not routed yet — deploy to {env.environmentName} to create it.{" "}
              {env.target ? "Its ownership check and certificate appear here then." : `${env.environmentName} has no cluster bound yet: bind one first.`}
            </p>
            {env.target ? <ActionButton action={appActions.deploy} target={{ app, env }} size="sm" /> : null}
          </div>
        )
      ) : (
        <div className="domain-body">
          <section className="domain-part" aria-label={`Ownership of ${domain.host}`}>
            <h3 className="domain-part-title">Ownership</h3>
            {domain.verification.verified ? (
              <p className="small">
                <span className="text-success">✓</span> Verified <span title={formatTime(domain.verification.verifiedAt)}>{relativeTime(domain.verification.verifiedAt)}</span>
              </p>
            ) : (
              <>
                {domain.certificate.state === "uploaded" ? <p className="small muted">Only needed for a certificate Meridian issues: the uploaded one is served as is.</p> : null}
                <p className="small">Prove you own {domain.host} with either:</p>
                <ol className="domain-steps small">
                  <li>
                    a DNS <strong>TXT</strong> record:
                    <dl className="txt-record">
                      <dt>Name</dt>
                      <dd>
                        <CopyField label={`TXT record name for ${domain.host}`} value={domain.verification.dnsRecord.name} />
                      </dd>
                      <dt>Value</dt>
                      <dd>
                        <CopyField label={`TXT record value for ${domain.host}`} value={domain.verification.dnsRecord.value} />
                      </dd>
                    </dl>
                  </li>
                  <li>
                    or {domain.host} pointing at the cluster's router, which then answers <code className="mono break-all">{domain.verification.httpUrl}</code> during the check.
                  </li>
                </ol>
              </>
            )}
            {domain.verification.lastError && !domain.verification.verified ? (
              <Alert kind="error">
                <span data-testid="verification-error">
                  {domain.verification.checkedAt ? <>Checked {relativeTime(domain.verification.checkedAt)}: </> : null}
                  {domain.verification.lastError}
                </span>
              </Alert>
            ) : domain.verification.checkedAt ? (
              <p className="small muted">Last checked {relativeTime(domain.verification.checkedAt)}</p>
            ) : null}
            <div className="row-actions row-actions-start">
              <Button size="sm" variant={domain.verification.verified ? "secondary" : "primary"} busy={busy === "verify"} disabled={busy !== null} onClick={() => void act("verify")}>
                {busy === "verify" ? "Checking…" : domain.verification.verified ? "Check again" : "Verify"}
              </Button>
              {busy === "verify" ? (
                <span className="small muted" role="status">
                  Checking DNS and the router; this can take a few seconds.
                </span>
              ) : null}
            </div>
          </section>
          <section className="domain-part" aria-label={`Certificate of ${domain.host}`}>
            <h3 className="domain-part-title">Certificate</h3>
            {domain.certificate.state === "none" ? (
              <p className="small muted">
                {domain.verification.verified ? "None yet: issue one through ACME, or upload your own." : "Once the domain is verified, Meridian issues one through ACME (when the server has a CA configured). Or upload your own."}
              </p>
            ) : (
              <dl className="cert-facts small">
                {domain.certificate.issuer ? (
                  <div>
                    <dt>Issuer</dt>
                    <dd className="cell-wrap">{domain.certificate.issuer}</dd>
                  </div>
                ) : null}
                {domain.certificate.notBefore ? (
                  <div>
                    <dt>Valid from</dt>
                    <dd>{formatDate(domain.certificate.notBefore)}</dd>
                  </div>
                ) : null}
                {domain.certificate.notAfter ? (
                  <div>
                    <dt>Expires</dt>
                    <dd data-testid="certificate-expiry" title={formatTime(domain.certificate.notAfter)}>
                      {formatDate(domain.certificate.notAfter)} {cert?.daysLeft !== null && cert?.daysLeft !== undefined ? <span className="muted">({daysText(cert.daysLeft)})</span> : null}
                    </dd>
                  </div>
                ) : null}
                <div className="fact-wide">
                  <dt>Renewal</dt>
                  <dd>{domain.certificate.state === "uploaded" ? "Not renewed: upload a new one before it expires" : domain.certificate.renewAt ? `Automatic, ${formatDate(domain.certificate.renewAt)}` : "—"}</dd>
                </div>
              </dl>
            )}
            {domain.certificate.lastError ? <Alert kind="error">{domain.certificate.lastError}</Alert> : null}
            <div className="row-actions row-actions-start">
              <Button
                size="sm"
                busy={busy === "issue"}
                disabled={busy !== null || !domain.verification.verified}
                title={domain.verification.verified ? "Ask the ACME CA for a certificate now" : "Verify the domain first"}
                onClick={() => void act("issue")}
              >
                {busy === "issue" ? "Issuing…" : "Issue / renew now"}
              </Button>
              <Button size="sm" disabled={busy !== null} onClick={() => ctx.open({ kind: "upload-certificate", app, domain })}>
                Upload certificate
              </Button>
            </div>
          </section>
        </div>
      )}
      {error ? <Alert kind="error">{error}</Alert> : null}
    </li>
  );
}
