import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { api } from "../api/client";
import { errorMessage, type FieldErrors } from "../api/errors";
import type { ConnectionDraft, ConnectionMode } from "../clusters/connection-draft";
import { Alert, Badge, Spinner } from "../ui/feedback";
import { Checkbox, FileTextButton, TextAreaField, TextField } from "../ui/form";
import { Tabs } from "../ui/tabs";
import { useDebounced } from "../ui/use-debounced";

const modeTabs: { id: ConnectionMode; label: string }[] = [
  { id: "kubeconfig", label: "Kubeconfig" },
  { id: "direct", label: "Kubernetes API" },
  { id: "swarm", label: "Docker Swarm" },
];

type Set = <K extends keyof ConnectionDraft>(k: K, v: ConnectionDraft[K]) => void;

/**
 * The credentials part of the connect and edit dialogs. Server issues arrive as `connection.<field>`; they are
 * shown next to the matching input. `modes` limits the tabs (an existing Swarm cluster stays Swarm).
 */
export function ConnectionFields({ orgId, draft, set, fields, modes }: { orgId: string; draft: ConnectionDraft; set: Set; fields: FieldErrors; modes?: ConnectionMode[] }) {
  const tabs = modes ? modeTabs.filter((t) => modes.includes(t.id)) : modeTabs;
  const err = (k: string) => fields[`connection.${k}`] ?? (k === "" ? fields.connection : undefined);
  return (
    <div className="connection-fields">
      {tabs.length > 1 ? <Tabs label="Connection type" tabs={tabs} value={draft.mode} onChange={(m) => set("mode", m)} /> : null}
      {err("") ? <div className="field-error">{err("")}</div> : null}
      {draft.mode === "kubeconfig" ? <KubeconfigFields orgId={orgId} draft={draft} set={set} err={err} /> : null}
      {draft.mode === "direct" ? <DirectFields draft={draft} set={set} err={err} /> : null}
      {draft.mode === "swarm" ? <SwarmFields draft={draft} set={set} err={err} /> : null}
    </div>
  );
}

function KubeconfigFields({ orgId, draft, set, err }: { orgId: string; draft: ConnectionDraft; set: Set; err: (k: string) => string | undefined }) {
  const text = useDebounced(draft.kubeconfig.trim(), 400);
  // Reading contexts stores nothing, so it runs as a query keyed by the text: re-pasting the same file is free.
  const contexts = useQuery({
    queryKey: ["inspectKubeconfig", orgId, text],
    queryFn: () => api.call("inspectKubeconfig", { params: { orgId }, body: { kubeconfig: text } }),
    enabled: text !== "",
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const list = contexts.data?.contexts ?? [];
  const usable = list.filter((c) => !c.problem);
  // Pick the current context (or the first usable one) unless the user already chose a usable one.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a kubeconfig's contexts arrive, not on every pick
  useEffect(() => {
    if (!contexts.data) return;
    if (usable.some((c) => c.name === draft.context)) return;
    const current = usable.find((c) => c.name === contexts.data.currentContext);
    set("context", (current ?? usable[0])?.name ?? "");
  }, [contexts.data]);
  return (
    <>
      <TextAreaField
        label="Kubeconfig"
        className="mono"
        rows={7}
        spellCheck={false}
        placeholder="Paste the kubeconfig (YAML or JSON), or load the file"
        value={draft.kubeconfig}
        onChange={(e) => set("kubeconfig", e.currentTarget.value)}
        error={err("kubeconfig")}
        hint={
          <span className="hint-row">
            <FileTextButton label="Load file…" onText={(t) => set("kubeconfig", t)} />
            <span>Only the chosen context's cluster and user are stored, encrypted.</span>
          </span>
        }
      />
      {contexts.isFetching ? <Spinner label="Reading contexts…" /> : null}
      {contexts.error ? <Alert kind="error">{errorMessage(contexts.error)}</Alert> : null}
      {contexts.data && list.length === 0 ? <Alert kind="warning">This kubeconfig has no contexts.</Alert> : null}
      {list.length > 0 ? (
        <fieldset className="context-list" aria-label="Context">
          <legend>Context</legend>
          {list.map((c) => (
            <label key={c.name} className={`context-option${c.problem ? " disabled" : ""}${draft.context === c.name ? " checked" : ""}`} title={c.problem ?? undefined} data-context={c.name}>
              <input type="radio" name="kube-context" value={c.name} checked={draft.context === c.name} disabled={!!c.problem} onChange={() => set("context", c.name)} />
              <span className="stack">
                <span>
                  <strong>{c.name}</strong> {c.name === contexts.data?.currentContext ? <Badge tone="accent">current</Badge> : null} <Badge>{c.authMethod}</Badge>
                </span>
                <span className="muted small">
                  {c.server ?? "no server"} · user {c.user}
                  {c.namespace ? ` · namespace ${c.namespace}` : ""}
                </span>
                {c.problem ? <span className="small text-danger">Cannot be used: {c.problem}</span> : null}
              </span>
            </label>
          ))}
          {err("context") ? <div className="field-error">{err("context")}</div> : null}
        </fieldset>
      ) : null}
    </>
  );
}

function PemField({ label, value, onChange, error, hint }: { label: string; value: string; onChange: (v: string) => void; error?: string; hint?: string }) {
  return (
    <TextAreaField
      label={label}
      className="mono"
      rows={3}
      spellCheck={false}
      placeholder="-----BEGIN …-----"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
      hint={
        <span className="hint-row">
          <FileTextButton label="Load file…" onText={(t) => onChange(t)} />
          {hint ? <span>{hint}</span> : null}
        </span>
      }
    />
  );
}

function DirectFields({ draft, set, err }: { draft: ConnectionDraft; set: Set; err: (k: string) => string | undefined }) {
  return (
    <>
      <TextField label="API server URL" placeholder="https://k8s.example.com:6443" value={draft.server} onChange={(e) => set("server", e.currentTarget.value)} error={err("server")} required />
      <PemField label="CA certificate" value={draft.caData} onChange={(v) => set("caData", v)} error={err("caData")} hint="Leave empty if the server's certificate is publicly trusted." />
      <Checkbox label="Skip TLS verification (test clusters only)" checked={draft.insecureSkipTlsVerify} onChange={(v) => set("insecureSkipTlsVerify", v)} />
      <fieldset className="radio-row">
        <legend>Authenticate with</legend>
        <label className="checkbox">
          <input type="radio" name="auth" checked={draft.auth === "token"} onChange={() => set("auth", "token")} />
          <span>Bearer token</span>
        </label>
        <label className="checkbox">
          <input type="radio" name="auth" checked={draft.auth === "certificate"} onChange={() => set("auth", "certificate")} />
          <span>Client certificate</span>
        </label>
      </fieldset>
      {draft.auth === "token" ? (
        <TextField label="Token" type="password" autoComplete="off" value={draft.token} onChange={(e) => set("token", e.currentTarget.value)} error={err("token")} hint="A service account token or an OIDC id token." required />
      ) : (
        <>
          <PemField label="Client certificate" value={draft.clientCertData} onChange={(v) => set("clientCertData", v)} error={err("clientCertData")} />
          <PemField label="Client key" value={draft.clientKeyData} onChange={(v) => set("clientKeyData", v)} error={err("clientKeyData")} />
        </>
      )}
    </>
  );
}

function SwarmFields({ draft, set, err }: { draft: ConnectionDraft; set: Set; err: (k: string) => string | undefined }) {
  const host = draft.host.trim();
  return (
    <>
      <TextField
        label="Docker host"
        placeholder="tcp://manager:2376, ssh://ops@manager or unix:///var/run/docker.sock"
        value={draft.host}
        onChange={(e) => set("host", e.currentTarget.value)}
        error={err("host")}
        hint="A manager node of the swarm."
        required
      />
      {host.startsWith("tcp://") ? (
        <>
          <PemField label="TLS CA certificate" value={draft.tlsCaData} onChange={(v) => set("tlsCaData", v)} error={err("tls.caData")} hint="Optional: all three for mutual TLS." />
          <PemField label="TLS client certificate" value={draft.tlsCertData} onChange={(v) => set("tlsCertData", v)} error={err("tls.certData")} />
          <PemField label="TLS client key" value={draft.tlsKeyData} onChange={(v) => set("tlsKeyData", v)} error={err("tls.keyData")} />
        </>
      ) : null}
      {host.startsWith("ssh://") ? (
        <>
          <PemField label="SSH private key" value={draft.sshPrivateKey} onChange={(v) => set("sshPrivateKey", v)} error={err("sshPrivateKey")} />
          <TextAreaField
            label="known_hosts"
            className="mono"
            rows={2}
            spellCheck={false}
            placeholder="manager.example.com ssh-ed25519 AAAA…"
            value={draft.sshKnownHosts}
            onChange={(e) => set("sshKnownHosts", e.currentTarget.value)}
            error={err("sshKnownHosts")}
            hint="The host's key lines (ssh-keyscan manager.example.com)."
          />
          <Checkbox label="Skip the host key check (not recommended)" checked={draft.insecureSkipHostKeyCheck} onChange={(v) => set("insecureSkipHostKeyCheck", v)} />
        </>
      ) : null}
    </>
  );
}
