import { type App, AppRoute, AppSpec } from "@meridian/core";
import { useState } from "react";
import { useActionContext } from "../actions/action-context";
import { errorMessage, fieldErrorsOf } from "../api/errors";
import { useApiMutation } from "../api/hooks";
import { addRoute, removeRoute, routesFor, routeUrl } from "../apps/spec-edit";
import { Button } from "../ui/button";
import { Alert, Badge, EmptyState } from "../ui/feedback";

/**
 * Routes (domains) per environment. They are part of the spec: the app's routes apply to every environment
 * without its own list; adding one for a single environment gives it its own list. Hosts are claimed on deploy.
 */
export function AppDomains({ app }: { app: App }) {
  const ctx = useActionContext();
  const put = useApiMutation("putApp");
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
      await put.mutateAsync({ params: { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name }, body: { spec } });
      ctx.notify("success", done);
      return true;
    } catch (err) {
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
      {formError ? <Alert kind="error">{formError}</Alert> : null}
      {app.environments.length === 0 ? <EmptyState title="This project has no environments" /> : null}
      {app.environments.map((e) => {
        const { routes, overridden } = routesFor(app.spec, e.environmentSlug);
        return (
          <section key={e.environmentId} className="card app-section" data-env={e.environmentSlug} aria-label={`Domains in ${e.environmentName}`}>
            <div className="section-head">
              <h2>{e.environmentName}</h2>
              <span className="small muted">{overridden ? "Own routes (override)" : "App routes"}</span>
            </div>
            {routes.length === 0 ? (
              <p className="muted small">No routes: the app is reachable only inside the cluster.</p>
            ) : (
              <div className="table-wrap">
                <table className="table responsive" aria-label={`Routes in ${e.environmentName}`}>
                  <thead>
                    <tr>
                      <th>Host</th>
                      <th>Path</th>
                      <th>Port</th>
                      <th>Certificate</th>
                      <th className="actions-col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {routes.map((r, i) => (
                      <tr key={`${r.host}${r.path}`} data-host={r.host}>
                        <td data-label="Host">
                          <a href={routeUrl(r)} target="_blank" rel="noreferrer" className="mono">
                            {r.host}
                          </a>
                        </td>
                        <td data-label="Path" className="mono">
                          {r.path}
                        </td>
                        <td data-label="Port" className="mono">
                          {r.port ?? <span className="muted">{httpPorts[0]?.name ?? "—"} (first http)</span>}
                        </td>
                        <td data-label="Certificate">
                          <Badge>not managed yet</Badge>
                        </td>
                        <td className="actions-col" data-label="">
                          <Button
                            size="sm"
                            variant="ghost"
                            className="btn-danger-text"
                            busy={put.isPending}
                            aria-label={`Remove ${r.host}${r.path} from ${overridden ? e.environmentName : "every environment"}`}
                            onClick={() => void saveSpec(removeRoute(app.spec, i, overridden ? e.environmentSlug : "all"), `Removed ${r.host}. Deploy to stop routing it.`)}
                          >
                            Remove
                          </Button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
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
            <Button type="submit" variant="primary" busy={put.isPending} disabled={httpPorts.length === 0}>
              Add route
            </Button>
          </div>
        </form>
        <p className="small muted">TLS certificates are not managed yet: routes serve plain HTTP through the cluster's router until certificate management lands.</p>
      </section>
    </div>
  );
}
