import { type ApplyOutcome, ApplyDiff } from "../pages/apply-diff";
import { Tabs } from "../ui/tabs";

export type PreviewTab = "yaml" | "review";

/**
 * The right-hand pane of the policy dialog: the YAML the form becomes (read-only, what is sent) and, after
 * "Review", the server's dry-run diff. A form with errors has no YAML yet; the pane says how many to fix.
 */
export function PolicyPreview({ tab, onTab, yaml, problems, outcome }: { tab: PreviewTab; onTab: (t: PreviewTab) => void; yaml: string; problems: number; outcome: ApplyOutcome | null }) {
  const tabs = [
    { id: "yaml" as const, label: "YAML" },
    { id: "review" as const, label: "Review", disabled: !outcome },
  ];
  return (
    <div className="policy-preview">
      <Tabs label="Preview" tabs={tabs} value={outcome ? tab : "yaml"} onChange={onTab} />
      {outcome && tab === "review" ? (
        <div className="policy-review" data-testid="policy-review">
          <ApplyDiff outcome={outcome} />
        </div>
      ) : yaml ? (
        <pre className="code-view mono policy-yaml" aria-label="Rendered YAML" data-testid="policy-yaml">
          <code>{yaml}</code>
        </pre>
      ) : (
        <div className="code-view policy-yaml policy-yaml-empty muted small" data-testid="policy-yaml">
          {problems ? `The YAML appears when the form is complete — ${problems} field${problems === 1 ? "" : "s"} to fill in or fix.` : "The YAML appears when the form is complete."}
        </div>
      )}
    </div>
  );
}
