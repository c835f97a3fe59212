import { type Cluster, renderPolicyObject } from "@meridian/core";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useMemo, useRef, useState } from "react";
import { ActionButton } from "../actions/action-button";
import { useActionContext } from "../actions/action-context";
import { globalActions } from "../actions/catalog";
import { api } from "../api/client";
import { errorMessage } from "../api/errors";
import { useApiQuery } from "../api/hooks";
import { checkPolicyDraft, emptyPolicyDraft, type PolicyDraft, type PolicyKind, policyKinds, visibleErrors } from "../clusters/policy-draft";
import { toYaml } from "../clusters/yaml-text";
import type { ApplyOutcome } from "../pages/apply-diff";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Alert, EmptyState, Spinner } from "../ui/feedback";
import { SelectField } from "../ui/form";
import { Tabs } from "../ui/tabs";
import { KindFields } from "./policy-fields";
import { PolicyPreview, type PreviewTab } from "./policy-preview";

const blurbs: Record<PolicyKind, string> = {
  Namespace: "A namespace groups workloads; quotas, limit ranges, roles and network policies apply per namespace.",
  ResourceQuota: "Caps what all pods of a namespace may request in total, and how many objects it may hold.",
  LimitRange: "Default requests and limits for each container of a namespace, and the most one may ask for.",
  Role: "Permissions on resources within one namespace. Grant them with a RoleBinding.",
  RoleBinding: "Grants a Role or ClusterRole to users, groups or service accounts within one namespace.",
  NetworkPolicy: "Restricts which traffic reaches pods: once a policy selects a pod, only what some policy allows gets in.",
};

// Everything the inventory shows could change with the new object (its list, counts on the cluster page).
const inventoryQueries = new Set(["queryInventory", "getCluster", "listClusters"]);

/**
 * Namespaces, quotas, limit ranges, roles, role bindings and network policies from a form: core's schema
 * validates as the person types, the YAML it renders is shown live, "Review" is the server's dry run with
 * its diff, "Create" applies. Only Kubernetes clusters are offered.
 */
export function PolicyDialog({ clusterId, namespace, onClose }: { clusterId?: string; namespace?: string; onClose: () => void }) {
  const ctx = useActionContext();
  const clusters = useApiQuery("listClusters", { params: { orgId: ctx.orgId ?? "" }, query: { limit: 500, sort: "name" } });
  const kube = (clusters.data?.items ?? []).filter((c) => c.runtime === "kubernetes");
  if (clusters.isLoading || clusters.error || kube.length === 0) {
    return (
      <Dialog title="Create policy object" onClose={onClose}>
        {clusters.isLoading ? <Spinner label="Loading clusters…" /> : null}
        {clusters.error ? <Alert kind="error">{errorMessage(clusters.error)}</Alert> : null}
        {clusters.data && kube.length === 0 ? (
          <EmptyState title="No Kubernetes cluster connected" body="Namespaces and policies are Kubernetes objects; Swarm has none." action={<ActionButton action={globalActions.connectCluster} variant="primary" />} />
        ) : null}
      </Dialog>
    );
  }
  return <PolicyEditor clusters={kube} initialCluster={clusterId} initialNamespace={namespace} onClose={onClose} />;
}

function PolicyEditor({ clusters, initialCluster, initialNamespace, onClose }: { clusters: Cluster[]; initialCluster?: string; initialNamespace?: string; onClose: () => void }) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [clusterId, setClusterId] = useState(initialCluster ?? "");
  const cluster = clusters.find((c) => c.id === clusterId || c.slug === clusterId) ?? (clusters[0] as Cluster);
  const nsItems = useApiQuery("queryInventory", { params: { orgId }, query: { kind: "Namespace", cluster: cluster.id, limit: 1000 } });
  const namespaces = useMemo(() => [...new Set((nsItems.data?.items ?? []).map((n) => n.name))].sort(), [nsItems.data]);

  const [draft, setDraft] = useState<PolicyDraft>(() => emptyPolicyDraft("Namespace", initialNamespace ?? ""));
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [outcome, setOutcome] = useState<ApplyOutcome | null>(null);
  const [tab, setTab] = useState<PreviewTab>("yaml");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<"review" | "create" | null>(null);

  const checked = useMemo(() => checkPolicyDraft(draft), [draft]);
  const yaml = useMemo(() => (checked.form ? toYaml(renderPolicyObject(checked.form)) : ""), [checked]);
  const errors = visibleErrors(checked.errors, touched, submitted);

  // Any edit makes a review stale: drop it (and any server error about the old input) rather than show it.
  function edited() {
    setOutcome(null);
    setTab("yaml");
    setError(null);
  }
  const set = <K extends keyof PolicyDraft>(key: K, value: PolicyDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setTouched((t) => (t.has(key) ? t : new Set(t).add(key)));
    edited();
  };
  const setKind = (kind: PolicyKind) => {
    setDraft((d) => ({ ...d, kind }));
    // The new kind's empty fields should not all turn red at once.
    setSubmitted(false);
    edited();
  };

  async function run(dryRun: boolean) {
    setSubmitted(true);
    if (!checked.form) {
      // Show every error and put the caret where the first one is.
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setBusy(dryRun ? "review" : "create");
    setError(null);
    try {
      const out = await api.call("applyResources", { params: { orgId, clusterId: cluster.id }, body: { yaml, dryRun } });
      if (dryRun) {
        setOutcome(out);
        setTab("review");
        return;
      }
      const r = out.results[0];
      const verb = r ? { created: "Created", configured: "Updated", unchanged: "No change to" }[r.action] : "Applied";
      ctx.notify("success", `${verb} ${draft.kind} ${r?.namespace ? `${r.namespace}/` : ""}${r?.name ?? draft.name} on ${cluster.name}`);
      await queryClient.invalidateQueries({ predicate: (q) => inventoryQueries.has(String(q.queryKey[0])) });
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }
  // Enter reviews first; once the review of this exact input is on screen, Enter creates.
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    void run(!outcome);
  };
  const problems = Object.keys(checked.errors).length;

  const footer = (
    <>
      <span className="muted small footer-note">Enter reviews, then creates.</span>
      <Button onClick={onClose}>Cancel</Button>
      <Button type={outcome ? "button" : "submit"} form="policy-form" busy={busy === "review"} disabled={busy !== null} onClick={outcome ? () => void run(true) : undefined}>
        Review
      </Button>
      <Button type={outcome ? "submit" : "button"} form="policy-form" variant="primary" busy={busy === "create"} disabled={busy !== null} onClick={outcome ? undefined : () => void run(false)}>
        Create
      </Button>
    </>
  );
  return (
    <Dialog title="Create policy object" onClose={onClose} className="dialog-xl" footer={footer}>
      <form id="policy-form" ref={formRef} className="form policy-form" onSubmit={onSubmit} noValidate data-kind={draft.kind}>
        <div className="policy-head">
          <SelectField
            label="Cluster"
            value={cluster.id}
            onChange={(e) => {
              setClusterId(e.currentTarget.value);
              edited();
            }}
          >
            {clusters.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </SelectField>
          <div className="field policy-kind">
            <span className="field-label">Kind</span>
            <Tabs label="Kind" tabs={policyKinds.map((k) => ({ id: k, label: k }))} value={draft.kind} onChange={setKind} />
          </div>
        </div>
        <p className="muted small policy-blurb">{blurbs[draft.kind]}</p>
        {error ? (
          <Alert kind="error">
            <span data-testid="policy-error">{errorMessage(error)}</span>
          </Alert>
        ) : null}
        <div className="policy-layout">
          <KindFields draft={draft} set={set} errors={errors} namespaces={namespaces} />
          <PolicyPreview tab={tab} onTab={setTab} yaml={yaml} problems={problems} outcome={outcome} />
        </div>
      </form>
    </Dialog>
  );
}
