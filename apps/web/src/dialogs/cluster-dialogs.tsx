import type { Cluster, InventoryItemView } from "@meridian/core";
import { useState } from "react";
import { useActionContext } from "../actions/action-context";
import { useApiMutation, useApiQuery } from "../api/hooks";
import { type ConnectionDraft, emptyConnection, formatLabels, parseLabels, toConnection } from "../clusters/connection-draft";
import { Dialog } from "../ui/dialog";
import { Checkbox, FormError, SelectField, TextField, useFormSubmit } from "../ui/form";
import { ConnectProgress } from "./connect-cluster-dialog";
import { ConnectionFields } from "./connection-fields";
import { FormFooter } from "./project-dialogs";

export function EditClusterDialog({ cluster, onClose }: { cluster: Cluster; onClose: () => void }) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const [name, setName] = useState(cluster.name);
  const [description, setDescription] = useState(cluster.description);
  const [labels, setLabels] = useState(formatLabels(cluster.labels));
  const [replace, setReplace] = useState(false);
  const [verify, setVerify] = useState(true);
  const [draft, setDraft] = useState<ConnectionDraft>(emptyConnection(cluster.runtime === "swarm" ? "swarm" : "kubeconfig"));
  const update = useApiMutation("updateCluster");
  const form = useFormSubmit(
    () =>
      update.mutateAsync({
        params: { orgId, clusterId: cluster.id },
        body: { name, description, labels: parseLabels(labels), ...(replace ? { connection: toConnection(draft) } : {}), verify },
      }),
    () => {
      onClose();
      ctx.notify("success", replace ? "Cluster saved with the new credentials" : "Cluster saved");
    },
  );
  const set = <K extends keyof ConnectionDraft>(k: K, v: ConnectionDraft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  return (
    <Dialog title={`Edit ${cluster.name}`} onClose={onClose} wide={replace} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Save" form="edit-cluster" />}>
      <form id="edit-cluster" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        <TextField label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={form.fields.name} required />
        <TextField label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={form.fields.description} />
        <TextField label="Labels" placeholder="env=prod, region=eu" value={labels} onChange={(e) => setLabels(e.currentTarget.value)} error={form.fields.labels} />
        <Checkbox label="Replace credentials" checked={replace} onChange={setReplace} />
        {replace ? (
          <>
            <ConnectionFields orgId={orgId} draft={draft} set={set} fields={form.fields} modes={cluster.runtime === "swarm" ? ["swarm"] : ["kubeconfig", "direct"]} />
            <Checkbox label="Verify the new credentials before saving" checked={verify} onChange={setVerify} />
          </>
        ) : null}
        {form.busy && replace ? <ConnectProgress verify={verify} target={cluster.endpoint} /> : null}
      </form>
    </Dialog>
  );
}

/** Binds a project environment to a namespace (Kubernetes) or stack (Swarm) of the cluster. */
export function AddTargetDialog({ cluster, onClose }: { cluster: Cluster; onClose: () => void }) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const projects = useApiQuery("listProjects", { params: { orgId }, query: { limit: 500, sort: "name" } });
  const [projectId, setProjectId] = useState("");
  const [environmentId, setEnvironmentId] = useState("");
  const [namespace, setNamespace] = useState<string | null>(null);
  const envs = useApiQuery("listEnvironments", { params: { orgId, projectId } }, { enabled: !!projectId });
  const project = projects.data?.items.find((p) => p.id === projectId);
  const environments = [...(envs.data?.items ?? [])].sort((a, b) => a.position - b.position);
  const env = environments.find((e) => e.id === environmentId);
  const suggested = project && env ? `${project.slug}-${env.slug}`.slice(0, 63) : "";
  const create = useApiMutation("createClusterTarget");
  const form = useFormSubmit(
    () => create.mutateAsync({ params: { orgId, clusterId: cluster.id }, body: { projectId, environmentId, namespace: namespace ?? suggested } }),
    (t) => {
      onClose();
      ctx.notify("success", `${t.projectName} / ${t.environmentName} now deploys to ${t.namespace}`);
    },
  );
  const word = cluster.runtime === "swarm" ? "Stack" : "Namespace";
  return (
    <Dialog title={`Bind an environment to ${cluster.name}`} onClose={onClose} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Bind" form="add-target" />}>
      <form id="add-target" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        <SelectField
          label="Project"
          value={projectId}
          onChange={(e) => {
            setProjectId(e.currentTarget.value);
            setEnvironmentId("");
          }}
          error={form.fields.projectId}
          required
        >
          <option value="">Choose a project…</option>
          {projects.data?.items.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Environment" value={environmentId} onChange={(e) => setEnvironmentId(e.currentTarget.value)} error={form.fields.environmentId} disabled={!projectId} required>
          <option value="">{projectId ? "Choose an environment…" : "Choose a project first"}</option>
          {environments.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </SelectField>
        <TextField
          label={word}
          className="input mono"
          value={namespace ?? suggested}
          onChange={(e) => setNamespace(e.currentTarget.value)}
          error={form.fields.namespace}
          hint={`Lower-case letters, digits and dashes. Created on first deploy if missing.`}
          required
        />
      </form>
    </Dialog>
  );
}

/** Desired replicas from the inventory's "ready/desired" text (Deployments, Swarm services). */
export function desiredReplicas(i: InventoryItemView): number | undefined {
  for (const k of ["replicas", "ready", "desired"]) {
    const v = i.summary[k];
    if (typeof v === "number") return v;
    const m = typeof v === "string" ? /(\d+)\s*$/.exec(v) : null;
    if (m) return Number(m[1]);
  }
  return undefined;
}

export function ScaleDialog({ item, onClose }: { item: InventoryItemView; onClose: () => void }) {
  const ctx = useActionContext();
  const current = desiredReplicas(item);
  const [replicas, setReplicas] = useState(String(current ?? 1));
  const scale = useApiMutation("scaleResource");
  const form = useFormSubmit(
    () =>
      scale.mutateAsync({
        params: { orgId: ctx.orgId ?? "", clusterId: item.clusterId },
        body: { kind: item.kind, name: item.name, ...(item.namespace ? { namespace: item.namespace } : {}), replicas: Number(replicas) },
      }),
    () => {
      onClose();
      ctx.notify("success", `Scaling ${item.name} to ${replicas}`);
    },
  );
  return (
    <Dialog title={`Scale ${item.name}`} onClose={onClose} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Scale" form="scale-resource" />}>
      <form id="scale-resource" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        <p className="muted">
          {item.kind} {item.namespace ? `${item.namespace}/` : ""}
          {item.name} on {item.clusterSlug}
          {current !== undefined ? ` — currently ${current} replica${current === 1 ? "" : "s"}` : ""}.
        </p>
        <TextField label="Replicas" type="number" min={0} max={10000} value={replicas} onChange={(e) => setReplicas(e.currentTarget.value)} error={form.fields.replicas} required autoFocus />
      </form>
    </Dialog>
  );
}
