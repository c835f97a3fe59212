-- Apps: the PaaS layer. An app belongs to a project; its spec is the declarative document (`meridian apply -f`).
CREATE TABLE apps (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  slug text NOT NULL,
  description text NOT NULL DEFAULT '',
  spec jsonb NOT NULL,
  spec_version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  UNIQUE (project_id, slug)
);
CREATE INDEX apps_org ON apps (org_id, slug);

-- Secrets at organization, project or environment scope. Values are envelope-encrypted and never returned;
-- writing a name again adds a version (rotation); releases pin the version they used.
CREATE TABLE app_secrets (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  project_id uuid REFERENCES projects (id) ON DELETE CASCADE,
  environment_id uuid REFERENCES environments (id) ON DELETE CASCADE,
  name text NOT NULL,
  version integer NOT NULL,
  ciphertext text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  CHECK (environment_id IS NULL OR project_id IS NOT NULL)
);
CREATE UNIQUE INDEX app_secrets_version ON app_secrets
  (org_id, coalesce(project_id, '00000000-0000-0000-0000-000000000000'), coalesce(environment_id, '00000000-0000-0000-0000-000000000000'), name, version);

-- An app in one environment: where it runs and what serves. `active_slot` holds the serving release; the other
-- slot may hold the previous one (blue/green keeps it for an instant switch back).
CREATE TABLE app_deployments (
  app_id uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  environment_id uuid NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  namespace text NOT NULL,
  active_slot text NOT NULL DEFAULT 'blue' CHECK (active_slot IN ('blue', 'green')),
  active_release_id uuid,
  idle_release_id uuid,
  replicas integer,
  scaled_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  PRIMARY KEY (app_id, environment_id)
);

-- Releases are immutable records of a deploy: what (spec snapshot, image digest, secret versions), how (strategy,
-- steps), who and when, and how it ended. Only the progress columns change while it runs.
CREATE TABLE releases (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  app_id uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  environment_id uuid NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  number integer NOT NULL,
  spec jsonb NOT NULL,
  image text NOT NULL,
  image_digest text,
  secret_versions jsonb NOT NULL DEFAULT '{}',
  strategy jsonb NOT NULL,
  kind text NOT NULL DEFAULT 'deploy' CHECK (kind IN ('deploy', 'rollback')),
  rollback_of integer,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'progressing', 'paused', 'succeeded', 'failed', 'rolled_back', 'aborted', 'superseded')),
  step integer NOT NULL DEFAULT 0,
  steps jsonb NOT NULL DEFAULT '[]',
  slot text CHECK (slot IN ('blue', 'green')),
  from_release_id uuid,
  analysis jsonb NOT NULL DEFAULT '[]',
  reason text NOT NULL DEFAULT '',
  promote_requested boolean NOT NULL DEFAULT false,
  abort_requested boolean NOT NULL DEFAULT false,
  step_started_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  started_at timestamptz,
  finished_at timestamptz,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_by_name text NOT NULL DEFAULT '',
  UNIQUE (app_id, environment_id, number)
);
CREATE INDEX releases_open ON releases (state) WHERE state IN ('pending', 'progressing', 'paused');

-- Hosts routed to apps: one owner per host and path in the whole installation.
CREATE TABLE app_domains (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  app_id uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  environment_id uuid NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  host text NOT NULL,
  path text NOT NULL DEFAULT '/',
  verification_token text NOT NULL,
  verified_at timestamptz,
  certificate jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  UNIQUE (host, path)
);
CREATE INDEX app_domains_app ON app_domains (app_id, environment_id);
