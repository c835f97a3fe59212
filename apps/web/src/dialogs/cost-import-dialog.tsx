import type { CostFormat, CostImportResult } from "@meridian/core";
import { CostFormat as CostFormats } from "@meridian/core";
import { useQueryClient } from "@tanstack/react-query";
import { type DragEvent, useEffect, useId, useRef, useState } from "react";
import { afterWrite } from "../api/hooks";
import { errorMessage } from "../api/errors";
import { detectFormat, formatBytes, formatLabels } from "../cost/explorer";
import { rowProblemsOf, type UploadProgress, uploadCostFile } from "../cost/upload";
import { Button } from "../ui/button";
import { Alert } from "../ui/feedback";
import { Dialog } from "../ui/dialog";

type Phase = { kind: "pick" } | { kind: "uploading"; progress: UploadProgress } | { kind: "done"; result: CostImportResult } | { kind: "failed"; error: unknown };

/** Upload a bill: pick or drop a file, see the bytes go, then the conformance report or the rows that failed. */
export function CostImportDialog({ orgId, onClose, onImported }: { orgId: string; onClose: () => void; onImported?: (r: CostImportResult) => void }) {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<"auto" | CostFormat>("auto");
  const [phase, setPhase] = useState<Phase>({ kind: "pick" });
  const [dragging, setDragging] = useState(false);
  const abortRef = useRef<(() => void) | null>(null);
  const inputId = useId();
  const formatId = useId();
  const effective: CostFormat | null = file ? (format === "auto" ? detectFormat(file.name) : format) : null;
  const busy = phase.kind === "uploading";

  useEffect(() => () => abortRef.current?.(), []);

  function choose(f: File | undefined) {
    if (!f) return;
    setFile(f);
    setPhase({ kind: "pick" });
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    if (!busy) choose(e.dataTransfer.files[0]);
  }

  async function start() {
    if (!file || !effective) return;
    setPhase({ kind: "uploading", progress: { loaded: 0, total: file.size, sent: false } });
    const up = uploadCostFile(orgId, file, effective, (progress) => setPhase({ kind: "uploading", progress }));
    abortRef.current = up.abort;
    try {
      const result = await up.done;
      setPhase({ kind: "done", result });
      onImported?.(result);
      await afterWrite(queryClient);
    } catch (error) {
      setPhase({ kind: "failed", error });
    } finally {
      abortRef.current = null;
    }
  }

  const footer =
    phase.kind === "done" ? (
      <Button variant="primary" onClick={onClose} data-autofocus>
        Done
      </Button>
    ) : (
      <>
        {busy ? (
          <Button onClick={() => abortRef.current?.()}>Cancel upload</Button>
        ) : (
          <Button onClick={onClose}>Cancel</Button>
        )}
        <Button variant="primary" onClick={() => void start()} disabled={!file} busy={busy}>
          {phase.kind === "failed" ? "Try again" : "Import"}
        </Button>
      </>
    );

  return (
    <Dialog title="Import a bill" onClose={busy ? () => abortRef.current?.() : onClose} footer={footer} wide className="cost-import-dialog">
      {phase.kind !== "done" ? (
        <>
          <label
            htmlFor={inputId}
            className={`dropzone${dragging ? " dragging" : ""}${busy ? " disabled" : ""}`}
            onDragOver={(e) => {
              e.preventDefault();
              if (!busy) setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
            data-testid="dropzone"
          >
            <span className="dropzone-icon" aria-hidden>
              ⇪
            </span>
            {file ? (
              <span>
                <strong className="mono">{file.name}</strong> <span className="muted">({formatBytes(file.size)})</span>
                <span className="muted small block">Drop another file or click to choose a different one.</span>
              </span>
            ) : (
              <span>
                <strong>Drop a bill file here</strong> or <span className="link-like">choose one</span>
                <span className="muted small block">FOCUS 1.2 CSV or Parquet; AWS CUR and Azure EA exports are converted. The billing periods in the file replace the ones loaded.</span>
              </span>
            )}
            <input
              id={inputId}
              type="file"
              aria-label="Bill file"
              accept=".csv,.parquet,.pq,text/csv"
              className="visually-hidden"
              disabled={busy}
              onChange={(e) => {
                choose(e.currentTarget.files?.[0]);
                e.currentTarget.value = "";
              }}
            />
          </label>
          <div className="field">
            <label htmlFor={formatId}>Format</label>
            <select id={formatId} className="input" value={format} disabled={busy} onChange={(e) => setFormat(e.currentTarget.value as "auto" | CostFormat)}>
              <option value="auto">Detect from the file name{file ? ` (${formatLabels[detectFormat(file.name)]})` : ""}</option>
              {CostFormats.options.map((f) => (
                <option key={f} value={f}>
                  {formatLabels[f]}
                </option>
              ))}
            </select>
          </div>
        </>
      ) : null}
      {phase.kind === "uploading" ? <ProgressView progress={phase.progress} /> : null}
      {phase.kind === "failed" ? <ImportError error={phase.error} /> : null}
      {phase.kind === "done" ? <ImportResult result={phase.result} /> : null}
    </Dialog>
  );
}

function ProgressView({ progress }: { progress: UploadProgress }) {
  const pct = progress.total > 0 ? Math.min(100, Math.round((progress.loaded / progress.total) * 100)) : 0;
  return (
    <div className="upload-progress" data-testid="upload-progress" data-sent={progress.sent}>
      <div className="upload-progress-label">
        <span>{progress.sent ? "Validating against FOCUS 1.2 and importing…" : `Uploading… ${formatBytes(progress.loaded)} of ${formatBytes(progress.total)}`}</span>
        <span className="num">{progress.sent ? "" : `${pct}%`}</span>
      </div>
      <div
        className={`progress-track${progress.sent ? " indeterminate" : ""}`}
        role="progressbar"
        aria-label="Upload progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={progress.sent ? undefined : pct}
        aria-valuetext={progress.sent ? "Uploaded; importing" : `${pct}%`}
      >
        <div className="progress-fill" style={{ width: progress.sent ? undefined : `${pct}%` }} />
      </div>
    </div>
  );
}

function ImportError({ error }: { error: unknown }) {
  const { problems, omitted } = rowProblemsOf(error);
  return (
    <div className="import-error" data-testid="import-error">
      <Alert kind="error">
        <strong>Nothing was imported.</strong> {errorMessage(error)}
      </Alert>
      {problems.length > 0 ? (
        <>
          <h3 className="section-title">Row problems</h3>
          <div className="table-wrap problems-wrap">
            <table className="table problems-table" aria-label="Row problems">
              <thead>
                <tr>
                  <th className="num">Line</th>
                  <th>Column</th>
                  <th>Value</th>
                  <th>Rule</th>
                </tr>
              </thead>
              <tbody>
                {problems.map((p, i) => (
                  <tr key={`${p.line}-${p.column}-${i}`} data-line={p.line}>
                    <td className="num mono">{p.line}</td>
                    <td className="mono">{p.column}</td>
                    <td className="mono cell-clip" title={p.value ?? ""}>
                      {p.value === null ? <span className="muted">null</span> : p.value}
                    </td>
                    <td>
                      <code className="small">{p.ruleId}</code>
                      <div className="muted small">{p.message}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {omitted > 0 ? <p className="muted small">… and {omitted} more row problem{omitted === 1 ? "" : "s"}.</p> : null}
        </>
      ) : null}
    </div>
  );
}

function ImportResult({ result }: { result: CostImportResult }) {
  const c = result.conformance;
  const warnings = c.failed.filter((f) => f.severity === "warning");
  const renamed = Object.entries(result.renamedColumns);
  return (
    <div className="import-result" data-testid="import-result">
      <Alert kind="success">
        Imported <strong data-testid="import-rows">{result.rows.toLocaleString("en-US")}</strong> row{result.rows === 1 ? "" : "s"} from <span className="mono">{result.filename}</span>.
      </Alert>
      <dl className="facts import-facts">
        <div>
          <dt>Format</dt>
          <dd>{formatLabels[result.format]}</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(result.bytes)}</dd>
        </div>
        <div>
          <dt>Billing periods replaced</dt>
          <dd data-testid="import-periods">{result.billingPeriods.map((p) => p.slice(0, 7)).join(", ") || "none"}</dd>
        </div>
        <div>
          <dt>FOCUS {c.modelVersion} conformance</dt>
          <dd data-testid="import-conformance">
            {c.passed} of {c.rulesEvaluated} rules passed
          </dd>
        </div>
        <div>
          <dt>Warnings</dt>
          <dd>{warnings.length}</dd>
        </div>
        <div>
          <dt>Not evaluated</dt>
          <dd>{c.notEvaluated.length}</dd>
        </div>
      </dl>
      {result.conversion ? (
        <p className="muted small">
          Converted {result.conversion.rows} row(s) to FOCUS{result.conversion.skipped.length ? `; ${result.conversion.skipped.length} transform(s) skipped` : ""}.
        </p>
      ) : null}
      {warnings.length > 0 ? (
        <>
          <h3 className="section-title">Warnings (SHOULD rules)</h3>
          <div className="table-wrap problems-wrap">
            <table className="table problems-table" aria-label="Conformance warnings">
              <thead>
                <tr>
                  <th>Rule</th>
                  <th>Column</th>
                  <th className="num">Rows</th>
                  <th>Lines</th>
                </tr>
              </thead>
              <tbody>
                {warnings.map((w) => (
                  <tr key={w.ruleId}>
                    <td>
                      <code className="small">{w.ruleId}</code>
                      <div className="muted small">{w.message}</div>
                    </td>
                    <td className="mono">{w.column}</td>
                    <td className="num">{w.failingRows}</td>
                    <td className="mono small">{w.sampleLines.slice(0, 5).join(", ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {renamed.length > 0 ? <p className="muted small">Read under their FOCUS names: {renamed.map(([a, b]) => `${a} → ${b}`).join(", ")}</p> : null}
      {result.ignoredColumns.length > 0 ? <p className="muted small">Columns ignored (not FOCUS): {result.ignoredColumns.join(", ")}</p> : null}
    </div>
  );
}
