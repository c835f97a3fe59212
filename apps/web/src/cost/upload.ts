import { ApiError } from "@meridian/client";
import { AppError, buildPath, type CostFormat, type CostImportResult, ErrorBody, routes } from "@meridian/core";
import { getCsrfToken } from "../api/client";

export interface UploadProgress {
  loaded: number;
  total: number;
  /** The body is sent: the server validates and imports. */
  sent: boolean;
}

/** One row-level problem of a rejected bill (error.details.errors of the 400). */
export interface RowProblem {
  line: number;
  column: string;
  value: string | null;
  ruleId: string;
  message: string;
}

export function rowProblemsOf(err: unknown): { problems: RowProblem[]; omitted: number } {
  const details = err instanceof AppError ? (err.details as { errors?: unknown; omitted?: unknown } | undefined) : undefined;
  const problems = Array.isArray(details?.errors) ? (details.errors as RowProblem[]) : [];
  return { problems, omitted: typeof details?.omitted === "number" ? details.omitted : 0 };
}

/**
 * Sends a bill file as the raw request body with XMLHttpRequest, whose upload events report real progress
 * (fetch has none for request bodies). Same credentials and CSRF header as the API client.
 */
export function uploadCostFile(
  orgId: string,
  file: File,
  format: CostFormat,
  onProgress: (p: UploadProgress) => void,
): { done: Promise<CostImportResult>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const qs = new URLSearchParams({ format, filename: file.name });
  const done = new Promise<CostImportResult>((resolve, reject) => {
    xhr.open("POST", `${buildPath(routes.importCostFile.path, { orgId })}?${qs}`);
    xhr.setRequestHeader("accept", "application/json");
    xhr.setRequestHeader("content-type", format === "csv" || format === "aws-cur" || format === "azure-ea" ? "text/csv" : "application/octet-stream");
    const csrf = getCsrfToken();
    if (csrf) xhr.setRequestHeader("x-csrf-token", csrf);
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size, sent: false });
    xhr.upload.onload = () => onProgress({ loaded: file.size, total: file.size, sent: true });
    xhr.onerror = () => reject(new AppError("unavailable", "the upload was interrupted: cannot reach the Meridian server"));
    xhr.onabort = () => reject(new AppError("unavailable", "the upload was cancelled; nothing was imported"));
    xhr.onload = () => {
      let json: unknown = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        json = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(json as CostImportResult);
      const parsed = ErrorBody.safeParse(json);
      reject(new ApiError(xhr.status, parsed.success ? parsed.data : null, xhr.status === 413 ? "the file is larger than the server accepts" : `the import failed with HTTP ${xhr.status}`));
    };
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
