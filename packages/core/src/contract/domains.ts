import { z } from "zod";
import { Id, Timestamp } from "./common.js";
import { AppParams } from "./apps.js";

export const DomainParams = AppParams.extend({ domainId: Id });

export const CertificateState = z.enum(["none", "pending", "issued", "failed", "uploaded"]);
export const Domain = z.object({
  id: Id,
  host: z.string(),
  path: z.string(),
  environmentId: Id,
  environmentSlug: z.string(),
  verification: z.object({
    verified: z.boolean(),
    verifiedAt: Timestamp.nullable(),
    /** Either proves ownership: a TXT record, or the router answering Meridian's HTTP challenge. */
    dnsRecord: z.object({ type: z.literal("TXT"), name: z.string(), value: z.string() }),
    httpUrl: z.string(),
    lastError: z.string().nullable(),
    checkedAt: Timestamp.nullable(),
  }),
  certificate: z.object({
    state: CertificateState,
    issuer: z.string().nullable(),
    notBefore: Timestamp.nullable(),
    notAfter: Timestamp.nullable(),
    /** When Meridian will renew (30 days before expiry) for ACME certificates. */
    renewAt: Timestamp.nullable(),
    lastError: z.string().nullable(),
    updatedAt: Timestamp.nullable(),
  }),
});
export type Domain = z.infer<typeof Domain>;

export const UploadCertificateBody = z
  .object({
    certificatePem: z.string().min(1).max(64 * 1024).describe("The certificate chain (PEM), leaf first"),
    privateKeyPem: z.string().min(1).max(16 * 1024).describe("Its private key (PEM); encrypted at rest, never returned"),
  })
  .strict();
