import { z } from "zod";
import { AppName, AppSpec, GitRef, ImageReference, Strategy } from "../apps/app-spec.js";
import { ApplyResultSchema } from "./clusters.js";
import { Description, Id, Timestamp } from "./common.js";
import { EnvironmentParams, OrgParams, ProjectParams } from "./orgs.js";

export const AppParams = ProjectParams.extend({ app: AppName });
export const AppEnvParams = EnvironmentParams.extend({ app: AppName });
export const ReleaseParams = AppParams.extend({ number: z.coerce.number().int().min(1) });

export const ReleaseState = z.enum(["pending", "progressing", "paused", "succeeded", "failed", "rolled_back", "aborted", "superseded"]);
export const ReleaseStepView = z.object({
  kind: z.string(),
  name: z.string(),
  weight: z.number().optional(),
  pause: z.union([z.number(), z.literal("manual")]).optional(),
  status: z.enum(["pending", "running", "done", "failed", "skipped"]),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  message: z.string().optional(),
});
export const AnalysisResult = z.object({
  at: Timestamp,
  step: z.number().int(),
  check: z.string(),
  value: z.number().nullable(),
  threshold: z.string(),
  ok: z.boolean(),
  message: z.string(),
});

export const Release = z.object({
  id: Id,
  appId: Id,
  number: z.number().int(),
  environmentId: Id,
  environmentSlug: z.string(),
  kind: z.enum(["deploy", "rollback"]),
  rollbackOf: z.number().int().nullable(),
  image: z.string(),
  imageDigest: z.string().nullable(),
  strategy: Strategy,
  state: ReleaseState,
  step: z.number().int(),
  steps: z.array(ReleaseStepView),
  slot: z.enum(["blue", "green"]).nullable(),
  analysis: z.array(AnalysisResult),
  reason: z.string(),
  secretVersions: z.record(z.string(), z.number().int()),
  createdBy: z.string(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
});
export type Release = z.infer<typeof Release>;

export type AppEnvironmentStatus = z.infer<typeof AppEnvironmentStatus>;
export const AppEnvironmentStatus = z.object({
  environmentId: Id,
  environmentSlug: z.string(),
  environmentName: z.string(),
  /** Where the environment's apps run (its first cluster binding), when it has one. */
  target: z.object({ clusterId: Id, clusterSlug: z.string(), runtime: z.enum(["kubernetes", "swarm"]), namespace: z.string() }).nullable(),
  deployed: z.boolean(),
  activeSlot: z.enum(["blue", "green"]).nullable(),
  current: z.object({ number: z.number().int(), image: z.string(), finishedAt: Timestamp.nullable() }).nullable(),
  /** The release running or waiting now, if any. */
  inProgress: z.object({ number: z.number().int(), state: ReleaseState, step: z.number().int(), steps: z.number().int(), stepName: z.string().nullable() }).nullable(),
  replicas: z.object({ desired: z.number().int(), ready: z.number().int() }).nullable(),
  health: z.enum(["ok", "progressing", "failed", "unknown", "not_deployed"]),
  routes: z.array(z.string()),
});

export const App = z.object({
  id: Id,
  name: AppName,
  projectId: Id,
  projectSlug: z.string(),
  description: z.string(),
  spec: AppSpec,
  specVersion: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  environments: z.array(AppEnvironmentStatus),
});
export type App = z.infer<typeof App>;

export const AppSummary = App.omit({ spec: true }).extend({ source: z.string() });

export const ListAppsQuery = z.object({
  projectId: Id.optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(512).optional(),
});

export const PutAppBody = z
  .object({
    description: Description.optional(),
    spec: AppSpec,
    expectedSpecVersion: z.number().int().min(1).optional().describe("Refuse (conflict) unless the stored spec is at this version: two editors never overwrite each other"),
    createOnly: z.boolean().optional().describe("Refuse (conflict) if the app exists"),
  })
  .strict();
export const PutAppResult = App.extend({ created: z.boolean() });

export const DeployBody = z
  .object({
    image: ImageReference.optional().describe("Deploy this image instead of the spec's"),
    ref: GitRef.optional().describe("Git ref to build (git sources)"),
    strategy: Strategy.optional().describe("Override the spec's strategy for this deploy"),
    dryRun: z.boolean().default(false).describe("Only show what would change"),
  })
  .strict()
  .refine((b) => !(b.image && b.ref), "give an image or a ref, not both");
export const Build = z.object({
  id: Id,
  appId: Id,
  number: z.number().int(),
  ref: z.string(),
  commit: z.string().nullable(),
  image: z.string().nullable(),
  digest: z.string().nullable(),
  state: z.enum(["queued", "running", "succeeded", "failed"]),
  reason: z.string(),
  trigger: z.enum(["manual", "webhook"]),
  /** Releases created once the image was pushed: environment and release number. */
  releases: z.array(z.object({ environmentId: Id, number: z.number().int().nullable(), error: z.string().nullable() })),
  createdBy: z.string(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
});
export type Build = z.infer<typeof Build>;
export const BuildParams = AppParams.extend({ number: z.coerce.number().int().min(1) });
export const BuildLogsQuery = z.object({ follow: z.stringbool().default(false) });

export const DeployResult = z.object({
  release: Release.nullable(),
  preview: ApplyResultSchema.shape.results.nullable(),
  /** Set when the deploy builds from git first; releases follow once the image is pushed. */
  build: Build.nullable(),
});

export const PutWebhookBody = z.object({ environments: z.array(Id).min(1).max(20).describe("Environments a push deploys to") }).strict();
export const WebhookInfo = z.object({
  url: z.string(),
  /** The HMAC-SHA256 secret, shown only when created or rotated. */
  secret: z.string().nullable(),
  environments: z.array(Id),
  createdAt: Timestamp,
});
export const HookParams = z.object({ appId: Id });
export const PushEvent = z
  .object({ ref: z.string().max(255), after: z.string().max(64).optional() })
  .passthrough()
  .describe("GitHub/Gitea/GitLab-style push payload: ref (refs/heads/main) and the new commit");
export const HookResult = z.object({ build: Build.nullable(), ignored: z.string().nullable() });

export const RollbackBody = z.object({ to: z.number().int().min(1).describe("Release number to go back to") }).strict();
export const ListReleasesQuery = z.object({
  environmentId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});
export const ReleasePage = z.object({ items: z.array(Release), nextCursor: z.string().nullable() });

export const AppLogsQuery = z.object({
  slot: z.enum(["blue", "green"]).optional(),
  follow: z.stringbool().default(false),
  tail: z.coerce.number().int().min(0).max(10_000).default(200),
  since: z.coerce.number().int().min(1).max(30 * 86400).optional().describe("Seconds"),
});

// secrets
export const SecretName = z.string().min(1).max(63).regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "lowercase letters, digits and '-'");
export const Secret = z.object({
  name: SecretName,
  scope: z.enum(["organization", "project", "environment"]),
  projectId: Id.nullable(),
  environmentId: Id.nullable(),
  version: z.number().int(),
  versions: z.number().int(),
  createdAt: Timestamp,
  createdBy: z.string(),
});
export const PutSecretBody = z.object({ value: z.string().min(1).max(64 * 1024) }).strict();
export const OrgSecretParams = OrgParams.extend({ name: SecretName });
export const ProjectSecretParams = ProjectParams.extend({ name: SecretName });
export const EnvSecretParams = EnvironmentParams.extend({ name: SecretName });

export const AppTemplate = z.object({ id: z.string(), name: z.string(), description: z.string(), document: z.record(z.string(), z.unknown()) });
export const ExportQuery = z.object({ format: z.enum(["yaml", "json"]).default("yaml") });
