import { useId } from "react";
import { emptyLabel } from "../clusters/policy-draft";
import { TextField } from "../ui/form";
import { DraftText, type PolicyFieldsProps } from "./policy-field-parts";
import { NetworkPolicyFields } from "./policy-network-fields";
import { RoleBindingFields, RoleFields } from "./policy-rbac-fields";
import { LabelRows } from "./row-fields";

/** Name, and for namespaced kinds the namespace: picked from the cluster's or typed. */
function NameFields({ p, namespaced }: { p: PolicyFieldsProps; namespaced: boolean }) {
  const listId = useId();
  return (
    <div className="form-grid">
      <DraftText p={p} k="name" label="Name" placeholder={namespaced ? "team-limits" : "team-shop"} autoFocus />
      {namespaced ? (
        <>
          <TextField
            label="Namespace"
            className="input mono"
            list={listId}
            value={p.draft.namespace}
            onChange={(e) => p.set("namespace", e.currentTarget.value)}
            error={p.errors.namespace}
            placeholder={p.namespaces[0] ?? "default"}
            spellCheck={false}
            autoComplete="off"
          />
          <datalist id={listId}>
            {p.namespaces.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
        </>
      ) : null}
    </div>
  );
}

function NamespaceFields({ p }: { p: PolicyFieldsProps }) {
  return (
    <LabelRows
      name="labels"
      legend="Labels"
      rows={p.draft.labels}
      onChange={(rows) => p.set("labels", rows)}
      create={emptyLabel}
      errors={p.errors}
      empty="No labels. Labels let NetworkPolicies and quotas select the namespace."
    />
  );
}

function QuotaFields({ p }: { p: PolicyFieldsProps }) {
  return (
    <>
      {p.errors[""] ? (
        <div className="field-error" role="alert">
          {p.errors[""]}
        </div>
      ) : null}
      <fieldset className="row-list">
        <legend>Compute, summed over the namespace's pods</legend>
        <div className="form-grid form-grid-2">
          <DraftText p={p} k="requestsCpu" label="Requests CPU" placeholder="2" />
          <DraftText p={p} k="requestsMemory" label="Requests memory" placeholder="4Gi" />
          <DraftText p={p} k="limitsCpu" label="Limits CPU" placeholder="4" />
          <DraftText p={p} k="limitsMemory" label="Limits memory" placeholder="8Gi" />
        </div>
      </fieldset>
      <fieldset className="row-list">
        <legend>Object counts</legend>
        <div className="form-grid form-grid-3">
          <DraftText p={p} k="pods" label="Pods" placeholder="20" />
          <DraftText p={p} k="services" label="Services" placeholder="10" />
          <DraftText p={p} k="persistentVolumeClaims" label="PVCs" placeholder="5" hint="PersistentVolumeClaims" />
        </div>
      </fieldset>
      <p className="field-hint">Leave a field empty for no cap. CPU in cores or millicores (500m), memory in bytes with a unit (512Mi, 4Gi).</p>
    </>
  );
}

function LimitRangeFields({ p }: { p: PolicyFieldsProps }) {
  return (
    <>
      <fieldset className="row-list">
        <legend>Per container</legend>
        <div className="form-grid form-grid-2">
          <DraftText p={p} k="defaultRequestCpu" label="Default request CPU" placeholder="100m" />
          <DraftText p={p} k="defaultRequestMemory" label="Default request memory" placeholder="128Mi" />
          <DraftText p={p} k="defaultLimitCpu" label="Default limit CPU" placeholder="500m" />
          <DraftText p={p} k="defaultLimitMemory" label="Default limit memory" placeholder="512Mi" />
          <DraftText p={p} k="maxCpu" label="Max CPU" placeholder="2" />
          <DraftText p={p} k="maxMemory" label="Max memory" placeholder="2Gi" />
        </div>
      </fieldset>
      <p className="field-hint">Defaults fill in containers that set no requests or limits; a container asking for more than the max is rejected.</p>
    </>
  );
}

/** The fields of the chosen kind, under the name (and namespace) every kind has. */
export function KindFields(p: PolicyFieldsProps) {
  const kind = p.draft.kind;
  return (
    <div className="form policy-fields" data-kind={kind}>
      <NameFields p={p} namespaced={kind !== "Namespace"} />
      {kind === "Namespace" ? <NamespaceFields p={p} /> : null}
      {kind === "ResourceQuota" ? <QuotaFields p={p} /> : null}
      {kind === "LimitRange" ? <LimitRangeFields p={p} /> : null}
      {kind === "Role" ? <RoleFields p={p} /> : null}
      {kind === "RoleBinding" ? <RoleBindingFields p={p} /> : null}
      {kind === "NetworkPolicy" ? <NetworkPolicyFields p={p} /> : null}
    </div>
  );
}
