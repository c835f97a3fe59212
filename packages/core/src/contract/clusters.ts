import { z } from "zod";
import { Description, Id, Name, Slug, Timestamp } from "./common.js";
import { OrgParams } from "./orgs.js";

/** A cluster may be named in paths by its id or its slug. */
export const ClusterRef = z.string().min(2).max(64).regex(/^[a-z0-9-]+$/, "a cluster id or slug");
export const ClusterParams = OrgParams.extend({ clusterId: ClusterRef });

const Pem = z.string().min(1).max(64 * 1024);
const Labels = z.record(z.string().min(1).max(63), z.string().max(253)).refine((l) => Object.keys(l).length <= 50, "at most 50 labels");

export const KubeconfigConnection = z
  .object({
    kind: z.literal("kubernetes"),
    kubeconfig: z.string().min(1).max(512 * 1024).describe("The kubeconfig file's text (YAML)"),
    context: z.string().min(1).max(253).optional().describe("Context to use; the current-context when left out"),
  })
  .strict();
export const KubernetesDirectConnection = z
  .object({
    kind: z.literal("kubernetes"),
    server: z.url().max(2048).describe("API server URL, https://host:port"),
    caData: Pem.optional().describe("PEM CA bundle of the API server"),
    insecureSkipTlsVerify: z.boolean().optional(),
    token: z.string().min(1).max(16 * 1024).optional().describe("Bearer token (service account or OIDC id token)"),
    clientCertData: Pem.optional(),
    clientKeyData: Pem.optional(),
  })
  .strict()
  .refine((c) => c.token !== undefined || (c.clientCertData !== undefined && c.clientKeyData !== undefined), "give a token, or a client certificate with its key")
  .refine((c) => (c.clientCertData === undefined) === (c.clientKeyData === undefined), "a client certificate needs its key, and a key its certificate");
export const SwarmConnection = z
  .object({
    kind: z.literal("swarm"),
    host: z
      .string()
      .max(2048)
      .regex(/^(unix:\/\/\/|tcp:\/\/|ssh:\/\/)\S+$/, "unix:///path/docker.sock, tcp://host:port or ssh://user@host[:port]")
      .describe("Docker endpoint"),
    tls: z.object({ caData: Pem, certData: Pem, keyData: Pem }).strict().optional().describe("Client TLS for tcp:// endpoints"),
    sshPrivateKey: Pem.optional().describe("Private key for ssh:// endpoints (the host runs `docker system dial-stdio`)"),
    sshKnownHosts: z.string().max(64 * 1024).optional().describe("known_hosts lines for the SSH host; required unless insecureSkipHostKeyCheck"),
    insecureSkipHostKeyCheck: z.boolean().optional(),
    router: z
      .object({
        caddyAdminUrl: z.url().max(2048).describe("Caddy's admin API (e.g. http://127.0.0.1:2019); Meridian configures app routes there"),
        upstreamHost: z.string().max(253).optional().describe("Address Caddy reaches published task ports at (default: each task's node address)"),
      })
      .strict()
      .optional()
      .describe("The router app routes go through"),
  })
  .strict();
export const ClusterConnectionInput = z.union([KubeconfigConnection, KubernetesDirectConnection, SwarmConnection]);
export type ClusterConnectionInput = z.infer<typeof ClusterConnectionInput>;

export const Condition = z.object({
  type: z.enum(["Reachable", "Authenticated", "Ready"]),
  status: z.enum(["True", "False", "Unknown"]),
  reason: z.string(),
  message: z.string(),
  lastTransitionTime: Timestamp,
});

export const ClusterTarget = z.object({
  id: Id,
  clusterId: Id,
  clusterSlug: z.string(),
  projectId: Id,
  projectName: z.string(),
  environmentId: Id,
  environmentName: z.string(),
  namespace: z.string().describe("Kubernetes namespace or Swarm stack"),
  createdAt: Timestamp,
});
export type ClusterTarget = z.infer<typeof ClusterTarget>;

export const InventoryKindState = z.object({
  kind: z.string(),
  group: z.string(),
  phase: z.enum(["listing", "watching", "error"]),
  message: z.string().optional(),
  count: z.number().int(),
});

export const ClusterSummary = z.object({
  nodes: z.number().int(),
  readyNodes: z.number().int(),
  pods: z.number().int().describe("Pods (Kubernetes) or running tasks (Swarm)"),
  problemPods: z.number().int(),
  cpuCapacity: z.number().describe("millicores, allocatable"),
  cpuRequests: z.number().describe("millicores requested by scheduled pods / reserved by tasks"),
  memoryCapacity: z.number().describe("bytes, allocatable"),
  memoryRequests: z.number(),
  namespaces: z.number().int(),
  warnings: z.number().int().describe("Objects whose health is warning or error"),
});

export const Cluster = z.object({
  id: Id,
  slug: Slug,
  name: z.string(),
  description: z.string(),
  runtime: z.enum(["kubernetes", "swarm"]),
  endpoint: z.string().describe("API server URL or Docker host (never credentials)"),
  context: z.string().nullable(),
  authMethod: z.string().describe("token, client-certificate, unix-socket, tls, ssh ..."),
  labels: z.record(z.string(), z.string()),
  version: z.string().nullable(),
  conditions: z.array(Condition),
  state: z.enum(["connecting", "ready", "degraded", "down"]),
  summary: ClusterSummary,
  inventory: z.array(InventoryKindState),
  streams: z
    .object({ lists: z.number().int(), watches: z.number().int(), relists: z.number().int(), bookmarks: z.number().int(), events: z.number().int() })
    .nullable()
    .describe("Counters of the live inventory streams since connecting: full lists, watch requests, relists after 410 Gone, bookmarks, events"),
  targets: z.array(ClusterTarget),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Cluster = z.infer<typeof Cluster>;

export const CreateClusterBody = z
  .object({
    slug: Slug,
    name: Name.optional(),
    description: Description.optional(),
    labels: Labels.optional(),
    connection: ClusterConnectionInput,
    verify: z.boolean().default(true).describe("Connect before saving and refuse unreachable or unauthorized clusters"),
  })
  .strict();
export const UpdateClusterBody = z
  .object({
    name: Name.optional(),
    description: Description.optional(),
    labels: Labels.optional(),
    connection: ClusterConnectionInput.optional().describe("New credentials; replaces the stored ones"),
    verify: z.boolean().default(true),
  })
  .strict();

export const KubeconfigContextsBody = z.object({ kubeconfig: z.string().min(1).max(512 * 1024) }).strict();
export const KubeconfigContexts = z.object({
  currentContext: z.string().nullable(),
  contexts: z.array(
    z.object({
      name: z.string(),
      cluster: z.string(),
      server: z.string().nullable(),
      user: z.string(),
      namespace: z.string().nullable(),
      authMethod: z.string(),
      /** Why this context cannot be used (exec plugin, files on another machine), if it cannot. */
      problem: z.string().nullable(),
    }),
  ),
});

export const CreateTargetBody = z
  .object({
    projectId: Id,
    environmentId: Id,
    namespace: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a DNS label: lower-case letters, digits and dashes"),
  })
  .strict();
export const TargetParams = ClusterParams.extend({ targetId: Id });

// Live inventory

export const InventoryItemSchema = z.object({
  clusterId: Id,
  clusterSlug: z.string(),
  key: z.string(),
  kind: z.string(),
  group: z.string(),
  namespace: z.string().nullable(),
  name: z.string(),
  uid: z.string(),
  labels: z.record(z.string(), z.string()),
  createdAt: z.string().nullable(),
  status: z.string(),
  health: z.enum(["ok", "progressing", "warning", "error", "unknown"]),
  owner: z.object({ kind: z.string(), name: z.string() }).nullable(),
  summary: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  resourceVersion: z.string(),
});
export type InventoryItemView = z.infer<typeof InventoryItemSchema>;

const csv = z
  .string()
  .max(2000)
  .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean));

export const inventorySorts = ["name", "namespace", "cluster", "status", "createdAt", "health"] as const;
export const InventoryQuery = z.object({
  kind: z.string().min(1).max(253).describe("Kind, plural or alias: Pod, pods, po, deploy ..."),
  group: z.string().max(253).optional().describe("API group of a custom resource kind"),
  cluster: csv.optional().describe("Cluster ids or slugs, comma separated"),
  namespace: csv.optional().describe("Namespaces (or Swarm stacks), comma separated"),
  selector: z.string().max(1000).optional().describe("Label selector: a=b, a!=b, a in (x,y), a notin (x), a, !a"),
  status: csv.optional().describe("Statuses, comma separated (case-insensitive)"),
  health: csv.optional().describe("ok, progressing, warning, error, unknown"),
  node: z.string().max(253).optional(),
  owner: z.string().max(300).optional().describe("Kind/name of the owning object"),
  q: z.string().max(200).optional().describe("Case-insensitive text in name, namespace or status"),
  sort: z.enum(inventorySorts.flatMap((s) => [s, `-${s}`]) as [string, ...string[]]).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(1024).optional(),
});
export const InventoryPage = z.object({
  items: z.array(InventoryItemSchema),
  nextCursor: z.string().nullable(),
  total: z.number().int().describe("Items matching the filters (all pages)"),
  /** Clusters whose inventory of this kind is not complete yet, or failing. */
  incomplete: z.array(z.object({ clusterId: Id, clusterSlug: z.string(), phase: z.string(), message: z.string().optional() })),
});

export const ResourceQuery = z.object({
  kind: z.string().min(1).max(253),
  apiVersion: z.string().max(253).optional(),
  namespace: z.string().max(253).optional(),
  name: z.string().min(1).max(253),
});
export const ResourceDetail = z.object({
  object: z.record(z.string(), z.unknown()),
  yaml: z.string(),
  events: z.array(InventoryItemSchema),
  related: z.array(InventoryItemSchema),
});

export const ApplyBody = z
  .object({
    yaml: z.string().min(1).max(2 * 1024 * 1024),
    dryRun: z.boolean().default(false).describe("Only compute what would change (the diff preview)"),
    namespace: z.string().max(63).optional().describe("Namespace for objects that name none"),
  })
  .strict();
export const ApplyResultSchema = z.object({
  results: z.array(
    z.object({
      kind: z.string(),
      namespace: z.string().nullable(),
      name: z.string(),
      action: z.enum(["created", "configured", "unchanged"]),
      diff: z.string(),
    }),
  ),
  dryRun: z.boolean(),
});

export const ScaleBody = ResourceQuery.extend({ replicas: z.number().int().min(0).max(10000) }).strict();
export const ResourceActionBody = ResourceQuery.strict();
export const NodeParams = ClusterParams.extend({ node: z.string().min(1).max(253) });
export const SchedulableBody = z.object({ schedulable: z.boolean() }).strict();
export const DrainResult = z.object({ evicted: z.number().int(), skipped: z.array(z.string()) });

export const LogsQuery = z.object({
  kind: z.string().min(1).max(253).describe("Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, SwarmService or SwarmTask"),
  namespace: z.string().max(253).optional(),
  name: z.string().min(1).max(253),
  container: z.string().max(253).optional(),
  follow: z.stringbool().default(false),
  tail: z.coerce.number().int().min(0).max(100000).optional(),
  since: z.coerce.number().int().min(1).max(30 * 86400).optional().describe("Seconds"),
  previous: z.stringbool().default(false),
  q: z.string().max(200).optional().describe("Only lines containing this text (case-insensitive)"),
});
