import type { Build } from "@meridian/core";

export interface BuildRow {
  id: string;
  org_id: string;
  app_id: string;
  number: number;
  ref: string;
  commit: string | null;
  image: string | null;
  digest: string | null;
  state: Build["state"];
  reason: string;
  log: string;
  trigger: "manual" | "webhook";
  deploy_to: { environmentId: string; strategy: unknown }[];
  releases: Build["releases"];
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  created_by: string | null;
  created_by_name: string;
}

export const toBuild = (r: BuildRow): Build => ({
  id: r.id,
  appId: r.app_id,
  number: r.number,
  ref: r.ref,
  commit: r.commit,
  image: r.image,
  digest: r.digest,
  state: r.state,
  reason: r.reason,
  trigger: r.trigger,
  releases: r.releases,
  createdBy: r.created_by_name,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});
