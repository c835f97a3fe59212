import type { AppEnvironmentStatus, Release } from "@meridian/core";

/** `registry/app@sha256:0123456789ab` — a pinned image with its digest cut to 12 hex digits, as `docker images` shows them. */
export function shortImage(image: string): string {
  return image.replace(/@sha256:([a-f0-9]{12})[a-f0-9]{52}$/, "@sha256:$1");
}

const healthMarks: Record<AppEnvironmentStatus["health"], string> = { ok: "✓", progressing: "…", failed: "✗", unknown: "?", not_deployed: "-" };

/**
 * One environment's state in a cell: `dev ✓ r3 2/2`, `prod ✗ r2 0/2 failed`, `staging … r1 → r2 progressing 2/6`.
 * Environments the app was never deployed to are left out by the caller.
 */
export function formatEnvironmentStatus(e: AppEnvironmentStatus): string {
  const parts = [e.environmentSlug, healthMarks[e.health]];
  if (e.current) parts.push(`r${e.current.number}`);
  if (e.replicas) parts.push(`${e.replicas.ready}/${e.replicas.desired}`);
  if (e.health === "failed") parts.push("failed");
  if (e.inProgress) parts.push(`→ ${formatInProgress(e.inProgress)}`);
  return parts.join(" ");
}

/** `r5 progressing 2/6 Send 10% of traffic`: the release running or waiting in an environment, with its current step. */
export function formatInProgress(p: NonNullable<AppEnvironmentStatus["inProgress"]>): string {
  const position = p.steps > 0 ? ` ${Math.min(p.step + 1, p.steps)}/${p.steps}` : "";
  const name = p.stepName ? ` ${p.stepName}` : "";
  return `r${p.number} ${p.state.replace("_", " ")}${position}${name}`;
}

/** The status cell of `apps list`: deployed environments side by side, "not deployed" when none is. */
export function formatAppStatus(environments: readonly AppEnvironmentStatus[]): string {
  const deployed = environments.filter((e) => e.deployed || e.inProgress);
  return deployed.length === 0 ? "not deployed" : deployed.map(formatEnvironmentStatus).join(", ");
}

/** `canary`, `rollback to 3`, or `canary (first release: rolling)` when there was nothing to shift traffic from. */
export function describeReleaseStrategy(r: Pick<Release, "kind" | "rollbackOf" | "strategy" | "steps">): string {
  if (r.kind === "rollback") return `rollback to ${r.rollbackOf ?? "?"}`;
  const type = r.strategy.type;
  const rolledOut = r.steps.length === 1 && r.steps[0]?.kind === "rollout";
  return type !== "rolling" && rolledOut ? `${type}, first release: rolling` : type;
}

export const finalStates = new Set<Release["state"]>(["succeeded", "failed", "rolled_back", "aborted", "superseded"]);
