-- Connected clusters. Credentials are one envelope-encrypted JSON document; status is the last health
-- seen (conditions, version), kept so a restart or a second process shows it before its first probe.
CREATE TABLE clusters (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  slug text NOT NULL,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  runtime text NOT NULL CHECK (runtime IN ('kubernetes', 'swarm')),
  endpoint text NOT NULL,
  context text,
  auth_method text NOT NULL,
  labels jsonb NOT NULL DEFAULT '{}',
  credentials text NOT NULL,
  credentials_version integer NOT NULL DEFAULT 1,
  status jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  UNIQUE (org_id, slug)
);

-- A namespace (Kubernetes) or stack (Swarm) of a cluster bound to a project environment as a deploy target.
CREATE TABLE cluster_targets (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  environment_id uuid NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  namespace text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  UNIQUE (cluster_id, namespace, environment_id)
);
CREATE INDEX cluster_targets_env ON cluster_targets (environment_id);
CREATE INDEX cluster_targets_cluster ON cluster_targets (cluster_id, namespace);
