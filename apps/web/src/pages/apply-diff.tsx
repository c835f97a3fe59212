import type { RouteResponse, Routes } from "@meridian/core";
import { diffLineKind, diffStats } from "../clusters/diff";
import { Badge } from "../ui/feedback";

export type ApplyOutcome = RouteResponse<Routes["applyResources"]>;

const actionTone = { created: "success", configured: "accent", unchanged: "neutral" } as const;

/** Per-object results of an apply or its dry run, each with its unified diff coloured by line. */
export function ApplyDiff({ outcome }: { outcome: ApplyOutcome }) {
  if (outcome.results.length === 0) return <p className="muted">The YAML holds no objects.</p>;
  return (
    <div className="apply-results" data-testid="apply-results">
      {outcome.results.map((r) => {
        const stats = diffStats(r.diff);
        const verb = outcome.dryRun ? { created: "would be created", configured: "would change", unchanged: "unchanged" }[r.action] : r.action;
        return (
          <section key={`${r.kind}/${r.namespace}/${r.name}`} className="apply-result" data-object={`${r.kind}/${r.name}`} data-action={r.action}>
            <header className="apply-result-head">
              <strong>
                {r.kind} {r.namespace ? `${r.namespace}/` : ""}
                {r.name}
              </strong>
              <Badge tone={actionTone[r.action]}>{verb}</Badge>
              {r.diff ? (
                <span className="small">
                  <span className="text-success">+{stats.added}</span> <span className="text-danger">−{stats.removed}</span>
                </span>
              ) : null}
            </header>
            {r.diff ? (
              <pre className="diff" aria-label={`Changes to ${r.kind} ${r.name}`}>
                {r.diff.split("\n").map((line, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: diff lines have no identity but their position
                  <span key={i} className={`diff-line diff-${diffLineKind(line)}`}>
                    {line || " "}
                    {"\n"}
                  </span>
                ))}
              </pre>
            ) : (
              <p className="muted small">No changes.</p>
            )}
          </section>
        );
      })}
    </div>
  );
}
