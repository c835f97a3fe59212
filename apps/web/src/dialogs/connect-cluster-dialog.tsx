import { useEffect, useState } from "react";
import { useActionContext } from "../actions/action-context";
import { useApiMutation } from "../api/hooks";
import { type ConnectionDraft, emptyConnection, parseLabels, toConnection } from "../clusters/connection-draft";
import { Dialog } from "../ui/dialog";
import { Checkbox, FormError, TextField, useFormSubmit } from "../ui/form";
import { slugify } from "../ui/slug";
import { ConnectionFields } from "./connection-fields";
import { FormFooter } from "./project-dialogs";

/** Connect a cluster: credentials in one of three forms, a name, and (by default) a live check first. */
export function ConnectClusterDialog({ onClose }: { onClose: () => void }) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const [draft, setDraft] = useState<ConnectionDraft>(emptyConnection());
  const [name, setName] = useState("");
  const [slug, setSlug] = useState<string | null>(null);
  const [labels, setLabels] = useState("");
  const [verify, setVerify] = useState(true);
  const create = useApiMutation("createCluster");
  const suggested = name || (draft.mode === "kubeconfig" ? draft.context : "");
  const form = useFormSubmit(
    () =>
      create.mutateAsync({
        params: { orgId },
        body: {
          slug: slug ?? slugify(suggested),
          ...(name.trim() ? { name: name.trim() } : {}),
          ...(labels.trim() ? { labels: parseLabels(labels) } : {}),
          connection: toConnection(draft),
          verify,
        },
      }),
    (c) => {
      onClose();
      ctx.notify("success", `Connected ${c.name}`);
      ctx.navigate(`/orgs/${orgId}/clusters/${c.slug}`);
    },
  );
  const set = <K extends keyof ConnectionDraft>(k: K, v: ConnectionDraft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  return (
    <Dialog title="Connect cluster" onClose={onClose} wide footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel={verify ? "Verify and connect" : "Connect"} form="connect-cluster" />}>
      <form id="connect-cluster" onSubmit={form.onSubmit} className="form" aria-busy={form.busy || undefined}>
        <FormError error={form.error} fields={form.fields} />
        <ConnectionFields orgId={orgId} draft={draft} set={set} fields={form.fields} />
        <div className="form-grid">
          <TextField label="Name" placeholder={draft.mode === "kubeconfig" && draft.context ? draft.context : "Production EU"} value={name} onChange={(e) => setName(e.currentTarget.value)} error={form.fields.name} />
          <TextField label="Slug" value={slug ?? slugify(suggested)} onChange={(e) => setSlug(e.currentTarget.value)} error={form.fields.slug} hint="Used in URLs and the CLI." required />
        </div>
        <TextField label="Labels" placeholder="env=prod, region=eu" value={labels} onChange={(e) => setLabels(e.currentTarget.value)} error={form.fields.labels} hint="Optional key=value pairs, comma-separated." />
        <Checkbox label="Verify the connection before saving (recommended)" checked={verify} onChange={setVerify} />
        {form.busy ? <ConnectProgress verify={verify} target={draft.mode === "swarm" ? draft.host : draft.mode === "direct" ? draft.server : draft.context} /> : null}
      </form>
    </Dialog>
  );
}

/** Connecting can take a while (TLS, auth, first list): show what is happening and for how long. */
export function ConnectProgress({ verify, target }: { verify: boolean; target: string }) {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setSeconds((s) => s + 1), 1000);
    return () => clearInterval(t);
  }, []);
  const step = !verify ? "Saving the connection" : seconds < 3 ? "Reaching the API" : seconds < 8 ? "Checking the credentials" : "Still waiting for the cluster to answer";
  return (
    <div className="connect-progress" role="status">
      <span className="spinner" aria-hidden />
      <span>
        {step}
        {target ? ` — ${target}` : ""}… <span className="muted">{seconds}s</span>
      </span>
    </div>
  );
}
