import { useId } from "react";
import { emptyRule, emptySubject, ruleVerbs, type SubjectKind } from "../clusters/policy-draft";
import { Checkbox, SelectField, TextField } from "../ui/form";
import { DraftText, type PolicyFieldsProps } from "./policy-field-parts";
import { RowList } from "./row-fields";

/** Rules: which verbs on which resources of which API groups. */
export function RoleFields({ p }: { p: PolicyFieldsProps }) {
  return (
    <RowList
      name="rules"
      legend="Rules"
      rowLabel="Rule"
      rows={p.draft.rules}
      onChange={(rows) => p.set("rules", rows)}
      create={emptyRule}
      addLabel="Add rule"
      errors={p.errors}
      min={1}
    >
      {(rule, update, i) => (
        <div className="rule-row">
          <div className="form-grid form-grid-2">
            <TextField
              label="API groups"
              className="input mono"
              value={rule.apiGroups}
              onChange={(e) => update({ apiGroups: e.currentTarget.value })}
              error={p.errors[`rules.${i}.apiGroups`]}
              placeholder="core"
              hint="Empty: the core group. Or apps, batch, …"
              spellCheck={false}
            />
            <TextField
              label="Resources"
              className="input mono"
              value={rule.resources}
              onChange={(e) => update({ resources: e.currentTarget.value })}
              error={p.errors[`rules.${i}.resources`]}
              placeholder="pods, services"
              hint="Plural names, comma-separated."
              spellCheck={false}
            />
          </div>
          <fieldset className="verb-list" aria-invalid={p.errors[`rules.${i}.verbs`] ? true : undefined}>
            <legend>Verbs</legend>
            <div className="verb-checks">
              {ruleVerbs.map((v) => (
                <Checkbox key={v} label={v} checked={rule.verbs.includes(v)} onChange={(on) => update({ verbs: on ? ruleVerbs.filter((x) => x === v || rule.verbs.includes(x)) : rule.verbs.filter((x) => x !== v) })} />
              ))}
            </div>
            {p.errors[`rules.${i}.verbs`] ? (
              <div className="field-error" role="alert">
                {p.errors[`rules.${i}.verbs`]}
              </div>
            ) : null}
          </fieldset>
        </div>
      )}
    </RowList>
  );
}

// The aggregated ClusterRoles every cluster has; any other role is typed.
const wellKnownClusterRoles = ["view", "edit", "admin"];
const subjectKinds: SubjectKind[] = ["User", "Group", "ServiceAccount"];

/** Grants a Role (of this namespace) or a ClusterRole (within this namespace) to users, groups, service accounts. */
export function RoleBindingFields({ p }: { p: PolicyFieldsProps }) {
  const roles = useId();
  return (
    <>
      <div className="form-grid form-grid-2">
        <SelectField label="Role kind" value={p.draft.roleKind} onChange={(e) => p.set("roleKind", e.currentTarget.value as "Role" | "ClusterRole")}>
          <option value="ClusterRole">ClusterRole</option>
          <option value="Role">Role (this namespace)</option>
        </SelectField>
        <DraftText p={p} k="roleName" label="Role name" placeholder={p.draft.roleKind === "ClusterRole" ? "view" : "pod-reader"} list={p.draft.roleKind === "ClusterRole" ? roles : undefined} />
        <datalist id={roles}>
          {wellKnownClusterRoles.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
      </div>
      <RowList
        name="subjects"
        legend="Subjects"
        rowLabel="Subject"
        rows={p.draft.subjects}
        onChange={(rows) => p.set("subjects", rows)}
        create={emptySubject}
        addLabel="Add subject"
        errors={p.errors}
        min={1}
      >
        {(s, update, i) => (
          <div className="form-grid form-grid-3">
            <SelectField label="Kind" value={s.kind} onChange={(e) => update({ kind: e.currentTarget.value as SubjectKind })}>
              {subjectKinds.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </SelectField>
            <TextField label="Name" className="input mono" value={s.name} onChange={(e) => update({ name: e.currentTarget.value })} error={p.errors[`subjects.${i}.name`]} spellCheck={false} autoComplete="off" />
            {s.kind === "ServiceAccount" ? (
              <TextField
                label="SA namespace"
                className="input mono"
                value={s.namespace}
                onChange={(e) => update({ namespace: e.currentTarget.value })}
                error={p.errors[`subjects.${i}.namespace`]}
                placeholder={p.draft.namespace || "same namespace"}
                spellCheck={false}
              />
            ) : null}
          </div>
        )}
      </RowList>
    </>
  );
}
