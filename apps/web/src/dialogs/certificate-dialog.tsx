import type { App, Domain } from "@meridian/core";
import { useState } from "react";
import { useActionContext } from "../actions/action-context";
import { errorMessage } from "../api/errors";
import { useApiMutation } from "../api/hooks";
import { pemProblems } from "../apps/domains";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Alert, formatDate } from "../ui/feedback";
import { FileTextButton, TextAreaField } from "../ui/form";

/**
 * Uses your own certificate for a domain: the chain and its key, chosen as files or pasted. The server
 * checks they match, cover the host and have not expired; the key is encrypted at rest and never shown
 * again (the dialog opens empty every time).
 */
export function UploadCertificateDialog({ app, domain, onClose }: { app: App; domain: Domain; onClose: () => void }) {
  const ctx = useActionContext();
  const upload = useApiMutation("uploadDomainCertificate");
  const [certificatePem, setCertificateText] = useState("");
  const [privateKeyPem, setKeyText] = useState("");
  const [problems, setProblems] = useState<{ certificate?: string; key?: string }>({});
  const [error, setError] = useState<string | null>(null);
  // A new chain or key makes the last answer stale.
  const setCertificate = (t: string) => {
    setCertificateText(t);
    setError(null);
    setProblems((p) => ({ ...p, certificate: undefined }));
  };
  const setKey = (t: string) => {
    setKeyText(t);
    setError(null);
    setProblems((p) => ({ ...p, key: undefined }));
  };
  async function submit() {
    const p = pemProblems(certificatePem, privateKeyPem);
    setProblems(p);
    setError(null);
    if (p.certificate || p.key) return;
    try {
      const out = await upload.mutateAsync({ params: { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name, domainId: domain.id }, body: { certificatePem, privateKeyPem } });
      onClose();
      ctx.notify("success", `Uploaded the certificate for ${domain.host}${out.certificate.notAfter ? `, valid until ${formatDate(out.certificate.notAfter)}` : ""}. The router serves it shortly.`);
    } catch (err) {
      setError(errorMessage(err));
    }
  }
  return (
    <Dialog
      title={`Upload a certificate for ${domain.host}`}
      onClose={onClose}
      wide
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" form="upload-certificate" variant="primary" busy={upload.isPending}>
            Upload certificate
          </Button>
        </>
      }
    >
      <form
        id="upload-certificate"
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="small muted">
          It replaces the certificate {domain.host} has now{domain.certificate.state === "issued" ? " (the ACME one stops being renewed)" : ""}. Uploaded certificates are not renewed: upload the next one before this one expires.
        </p>
        {error ? <Alert kind="error">{error}</Alert> : null}
        <TextAreaField
          label="Certificate chain (PEM)"
          className="mono pem-input"
          rows={6}
          spellCheck={false}
          placeholder={"-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----"}
          value={certificatePem}
          onChange={(e) => setCertificate(e.currentTarget.value)}
          error={problems.certificate}
          hint="Leaf first, then the intermediates."
        />
        <div className="pem-actions">
          <FileTextButton label="Choose certificate file…" accept=".pem,.crt,.cer,.txt" onText={(t) => setCertificate(t)} />
        </div>
        <TextAreaField
          label="Private key (PEM)"
          className="mono pem-input"
          rows={4}
          spellCheck={false}
          autoComplete="off"
          placeholder={"-----BEGIN PRIVATE KEY-----\n…\n-----END PRIVATE KEY-----"}
          value={privateKeyPem}
          onChange={(e) => setKey(e.currentTarget.value)}
          error={problems.key}
          hint="Write-only: stored encrypted, never shown again."
        />
        <div className="pem-actions">
          <FileTextButton label="Choose key file…" accept=".pem,.key,.txt" onText={(t) => setKey(t)} />
        </div>
      </form>
    </Dialog>
  );
}
