import { useNavigate, useSearch } from "@tanstack/react-router";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ActionButton } from "../actions/action-button";
import { useActionContext } from "../actions/action-context";
import { globalActions } from "../actions/catalog";
import { api } from "../api/client";
import { errorMessage } from "../api/errors";
import { afterWrite, useApiQuery } from "../api/hooks";
import { useOrgId } from "../app/use-org-id";
import { PageHeader } from "../resources/resource-list";
import { Button } from "../ui/button";
import { Alert, EmptyState, Spinner } from "../ui/feedback";
import { FileTextButton, SelectField, TextField } from "../ui/form";
import { type ApplyOutcome, ApplyDiff } from "./apply-diff";
import { onEditorKey } from "./resource-yaml";

const placeholder = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  …`;

/** Paste manifests, review the server's dry-run diff per object, then apply them. */
export function ApplyPage() {
  const orgId = useOrgId();
  const ctx = useActionContext();
  const queryClient = useQueryClient();
  const search = useSearch({ from: "/shell/orgs/$orgId/apply" });
  const navigate = useNavigate({ from: "/orgs/$orgId/apply" });
  const clusters = useApiQuery("listClusters", { params: { orgId }, query: { limit: 500, sort: "name" } });
  const list = clusters.data?.items ?? [];
  const cluster = list.find((c) => c.slug === search.cluster || c.id === search.cluster) ?? list[0];
  const [yaml, setYaml] = useState("");
  const [namespace, setNamespace] = useState("");
  const [outcome, setOutcome] = useState<ApplyOutcome | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<"review" | "apply" | null>(null);
  async function run(dryRun: boolean) {
    if (!cluster || !yaml.trim()) return;
    setBusy(dryRun ? "review" : "apply");
    setError(null);
    try {
      const out = await api.call("applyResources", { params: { orgId, clusterId: cluster.id }, body: { yaml, dryRun, ...(namespace.trim() ? { namespace: namespace.trim() } : {}) } });
      setOutcome(out);
      if (!dryRun) {
        ctx.notify("success", `Applied ${out.results.length} object${out.results.length === 1 ? "" : "s"} to ${cluster.name}`);
        await afterWrite(queryClient);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }
  const edit = (v: string) => {
    setYaml(v);
    setOutcome(null);
  };
  return (
    <section className="apply-page wide-page">
      <PageHeader title="Apply YAML" description="Server-side apply, like kubectl apply --server-side. Review shows what would change without changing anything." />
      {clusters.isLoading ? <Spinner /> : null}
      {clusters.data && list.length === 0 ? (
        <EmptyState title="No clusters yet — connect one" body="Applying needs a connected cluster." action={<ActionButton action={globalActions.connectCluster} variant="primary" />} />
      ) : null}
      {cluster ? (
        <form
          className="form apply-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run(true);
          }}
        >
          <div className="form-grid">
            <SelectField label="Cluster" value={cluster.slug} onChange={(e) => void navigate({ search: { cluster: e.currentTarget.value }, replace: true })}>
              {list.map((c) => (
                <option key={c.id} value={c.slug}>
                  {c.name} ({c.runtime === "swarm" ? "Swarm" : "Kubernetes"})
                </option>
              ))}
            </SelectField>
            <TextField label={cluster.runtime === "swarm" ? "Default stack" : "Default namespace"} placeholder="default" value={namespace} onChange={(e) => setNamespace(e.currentTarget.value)} hint="For objects that name none." />
          </div>
          <div className="field">
            <label htmlFor="apply-yaml">Manifests</label>
            <textarea id="apply-yaml" className="input textarea mono yaml-editor" rows={16} spellCheck={false} placeholder={placeholder} value={yaml} onChange={(e) => edit(e.currentTarget.value)} onKeyDown={(e) => onEditorKey(e, edit, () => void run(true))} />
            <div className="field-hint hint-row">
              <FileTextButton label="Load file…" onText={edit} accept=".yaml,.yml,.json,text/*" />
              <span>Several documents separated by ---. Ctrl+Enter reviews.</span>
            </div>
          </div>
          {error ? <Alert kind="error">{errorMessage(error)}</Alert> : null}
          <div className="toolbar">
            <Button type="submit" busy={busy === "review"} disabled={busy !== null || !yaml.trim()}>
              Review
            </Button>
            <span className="tip-wrap" title={ctx.can("workload:update") ? undefined : "Your role does not grant workload:update"}>
              <Button variant="primary" onClick={() => void run(false)} busy={busy === "apply"} disabled={busy !== null || !yaml.trim() || !ctx.can("workload:update")}>
                Apply to {cluster.name}
              </Button>
            </span>
          </div>
        </form>
      ) : null}
      {outcome ? (
        <>
          <h2 className="section-title">{outcome.dryRun ? "Review" : "Applied"}</h2>
          <ApplyDiff outcome={outcome} />
        </>
      ) : null}
    </section>
  );
}
