-- Image builds from an app's git source: clone at a ref, build the Dockerfile on a Docker engine, push, then
-- deploy by digest. The log is kept with the build (live subscribers read it from memory while it runs).
CREATE TABLE builds (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  app_id uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  number integer NOT NULL,
  ref text NOT NULL,
  commit text,
  image text,
  digest text,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  reason text NOT NULL DEFAULT '',
  log text NOT NULL DEFAULT '',
  trigger text NOT NULL DEFAULT 'manual' CHECK (trigger IN ('manual', 'webhook')),
  -- Environments to deploy to once the image is pushed, with the strategy chosen at deploy time.
  deploy_to jsonb NOT NULL DEFAULT '[]',
  releases jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  started_at timestamptz,
  finished_at timestamptz,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_by_name text NOT NULL DEFAULT '',
  UNIQUE (app_id, number)
);
CREATE INDEX builds_open ON builds (state) WHERE state IN ('queued', 'running');

-- A push webhook per app: the HMAC secret is envelope-encrypted and shown once.
CREATE TABLE app_webhooks (
  app_id uuid PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  secret text NOT NULL,
  environments jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);
