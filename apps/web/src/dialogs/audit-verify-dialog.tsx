import type { AuditVerifyResult } from "@meridian/core";
import { useEffect, useState } from "react";
import { verifyChain } from "../actions/catalog";
import { errorMessage } from "../api/errors";
import { useActionContext } from "../actions/action-context";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Alert, Badge, Spinner } from "../ui/feedback";

/** Shows the result of a verification the command started: ok, or each problem with its seq and kind. */
export function AuditVerifyDialog({ result: initial, onClose }: { result: Promise<AuditVerifyResult>; onClose: () => void }) {
  const ctx = useActionContext();
  const [pending, setPending] = useState(initial);
  const [result, setResult] = useState<AuditVerifyResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    setResult(null);
    setError(null);
    pending.then(
      (r) => live && setResult(r),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [pending]);
  return (
    <Dialog
      title="Verify audit chain"
      onClose={onClose}
      footer={
        <>
          <Button onClick={() => setPending(verifyChain(ctx.orgId))} disabled={!result && !error}>
            Verify again
          </Button>
          <Button variant="primary" onClick={onClose}>
            Close
          </Button>
        </>
      }
    >
      {!result && !error ? <Spinner label="Checking every event's hash…" /> : null}
      {error ? <Alert kind="error">{errorMessage(error)}</Alert> : null}
      {result ? (
        <div className="verify-result" data-ok={result.ok}>
          {result.ok ? (
            <Alert kind="success">
              <strong>Chain intact.</strong> {result.checked} events checked (seq {result.firstSeq ?? "—"} to {result.lastSeq ?? "—"}, head {result.headSeq}).
            </Alert>
          ) : (
            <>
              <Alert kind="error">
                <strong>{result.problems.length} problem{result.problems.length === 1 ? "" : "s"} found</strong> in {result.checked} events checked.
              </Alert>
              <table className="table">
                <thead>
                  <tr>
                    <th>Seq</th>
                    <th>Kind</th>
                    <th>Message</th>
                  </tr>
                </thead>
                <tbody>
                  {result.problems.map((p) => (
                    <tr key={`${p.seq}-${p.kind}`}>
                      <td className="mono">{p.seq}</td>
                      <td>
                        <Badge tone="danger">{p.kind}</Badge>
                      </td>
                      <td>{p.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </div>
      ) : null}
    </Dialog>
  );
}
