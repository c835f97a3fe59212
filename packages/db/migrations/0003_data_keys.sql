-- Envelope encryption: one data key per organization, stored wrapped by a versioned master key.
CREATE TABLE data_keys (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  kek_version integer NOT NULL,
  nonce bytea NOT NULL,
  wrapped bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX data_keys_org ON data_keys (org_id, created_at);
CREATE INDEX data_keys_kek ON data_keys (kek_version);
