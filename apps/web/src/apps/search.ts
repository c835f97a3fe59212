/** URL search of the app pages: filters, the open tab and environment live in the URL so views can be linked. */

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export interface AppsSearch {
  project?: string;
  q?: string;
}
export const parseAppsSearch = (s: Record<string, unknown>): AppsSearch => ({ ...(str(s.project) ? { project: str(s.project) } : {}), ...(str(s.q) ? { q: str(s.q) } : {}) });

export const appTabs = ["overview", "builds", "history", "logs", "spec", "env", "domains"] as const;
export type AppTab = (typeof appTabs)[number];

export interface AppSearch {
  tab?: AppTab;
  /** Environment slug the history and logs tabs show. */
  env?: string;
  /** The build the builds tab shows in detail. */
  build?: number;
}
export function parseAppSearch(s: Record<string, unknown>): AppSearch {
  const tab = appTabs.find((t) => t === s.tab);
  const build = Number(s.build);
  return { ...(tab && tab !== "overview" ? { tab } : {}), ...(str(s.env) ? { env: str(s.env) } : {}), ...(Number.isInteger(build) && build > 0 ? { build } : {}) };
}
