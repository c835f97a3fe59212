-- Domain ownership checks and certificates. The certificate document holds the PEM chain and the private key
-- as an envelope ciphertext (never plaintext); ACME accounts are per organization and directory.
ALTER TABLE app_domains ADD COLUMN verification_error text;
ALTER TABLE app_domains ADD COLUMN checked_at timestamptz;

CREATE TABLE acme_accounts (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  directory text NOT NULL,
  key_ciphertext text NOT NULL,
  account_url text,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  PRIMARY KEY (org_id, directory)
);
