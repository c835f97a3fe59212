import type { MeridianClient } from "@meridian/client";
import type { Cluster } from "@meridian/core";
import { CliError } from "../errors.js";
import { collectPages } from "../paging.js";
import { pickOne } from "../resolve.js";

export async function listAllClusters(client: MeridianClient, orgId: string): Promise<Cluster[]> {
  return collectPages(client, "listClusters", { params: { orgId } });
}

/**
 * The one cluster a command acts on: --cluster by slug, name or id; without it the organization's only
 * cluster, since guessing among several could act on the wrong one.
 */
export async function selectCluster(client: MeridianClient, orgId: string, ref: string | undefined): Promise<Cluster> {
  const clusters = await listAllClusters(client, orgId);
  if (ref) {
    const list = clusters.map((c) => ({ ...c, keys: [c.slug] }));
    return pickOne("cluster", ref, list, `organization ${orgId}`, "see: meridian clusters list");
  }
  if (clusters.length === 1) return clusters[0] as Cluster;
  if (clusters.length === 0) throw new CliError("no clusters in this organization: connect one with `meridian clusters add`");
  throw new CliError(`several clusters: name one with --cluster (${clusters.map((c) => c.slug).join(", ")})`);
}
