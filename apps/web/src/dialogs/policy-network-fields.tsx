import { describeIngress, emptyLabel, emptyPort, emptySelector, type Protocol } from "../clusters/policy-draft";
import { Alert } from "../ui/feedback";
import type { PolicyFieldsProps } from "./policy-field-parts";
import { LabelRows, RowList } from "./row-fields";

const protocols: Protocol[] = ["TCP", "UDP", "SCTP"];

/** Ingress only: which pods it guards, from where traffic may come, on which ports. */
export function NetworkPolicyFields({ p }: { p: PolicyFieldsProps }) {
  return (
    <>
      <Alert kind="info">
        <span data-testid="ingress-summary">{describeIngress(p.draft)}</span>
      </Alert>
      <LabelRows
        name="podSelector"
        legend="Pod selector"
        rows={p.draft.podSelector}
        onChange={(rows) => p.set("podSelector", rows)}
        create={emptyLabel}
        errors={p.errors}
        empty="Empty: the policy applies to every pod in the namespace."
      />
      <SelectorRows p={p} name="allowFromNamespaces" legend="Allow from namespaces" empty="No namespace allowed." placeholder="kubernetes.io/metadata.name=frontend" />
      <SelectorRows p={p} name="allowFromPods" legend="Allow from pods" empty="No pods allowed." placeholder="app=web, tier=front" />
      <RowList name="ports" legend="Ports" rowLabel="Port" rows={p.draft.ports} onChange={(rows) => p.set("ports", rows)} create={emptyPort} addLabel="Add port" errors={p.errors} empty="No ports listed: any port.">
        {(row, update, i) => (
          <>
            <input
              className="input mono port-input"
              aria-label={`Port ${i + 1} number`}
              inputMode="numeric"
              placeholder="8080"
              value={row.port}
              aria-invalid={p.errors[`ports.${i}`] ? true : undefined}
              onChange={(e) => update({ port: e.currentTarget.value })}
            />
            <select className="input protocol-input" aria-label={`Port ${i + 1} protocol`} value={row.protocol} onChange={(e) => update({ protocol: e.currentTarget.value as Protocol })}>
              {protocols.map((x) => (
                <option key={x}>{x}</option>
              ))}
            </select>
          </>
        )}
      </RowList>
    </>
  );
}

function SelectorRows({ p, name, legend, empty, placeholder }: { p: PolicyFieldsProps; name: "allowFromNamespaces" | "allowFromPods"; legend: string; empty: string; placeholder: string }) {
  return (
    <RowList name={name} legend={legend} rows={p.draft[name]} onChange={(rows) => p.set(name, rows)} create={emptySelector} addLabel="Add selector" errors={p.errors} empty={empty}>
      {(row, update, i) => (
        <input
          className="input mono"
          aria-label={`${legend} selector ${i + 1}`}
          placeholder={placeholder}
          value={row.text}
          aria-invalid={p.errors[`${name}.${i}`] ? true : undefined}
          onChange={(e) => update({ text: e.currentTarget.value })}
          spellCheck={false}
        />
      )}
    </RowList>
  );
}
