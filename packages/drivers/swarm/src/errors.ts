import { AppError } from "@meridian/core";

/**
 * Why a request failed, in words the probe maps to conditions. Carried in AppError details as `reason`.
 */
export type FailureReason =
  | "Unreachable"
  | "Timeout"
  | "Cancelled"
  | "TLSError"
  | "ClientCertificateRejected"
  | "HostKeyVerificationFailed"
  | "SSHAuthFailed"
  | "Refused"
  | "ApiError";

const clientAuthAlert = /ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN|ACCESS_DENIED|DECRYPT_ERROR|HANDSHAKE_FAILURE)/;
const serverCertCodes = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

export function getFailureReason(error: unknown): FailureReason | undefined {
  if (error instanceof AppError) return error.details?.reason as FailureReason | undefined;
  return undefined;
}

/** Maps a socket-level error (no HTTP answer) to AppError; the message names the endpoint, never key material. */
export function toTransportError(error: unknown, endpoint: string): AppError {
  if (error instanceof AppError) return error;
  const err = error as NodeJS.ErrnoException;
  const code = typeof err?.code === "string" ? err.code : "";
  const message = err instanceof Error ? err.message : String(error);
  const make = (appCode: "unavailable" | "forbidden" | "invalid_input", text: string, reason: FailureReason) =>
    new AppError(appCode, text, { cause: error, details: { reason, endpoint } });
  if (code === "SSH_HOST_KEY") return make("unavailable", `cannot reach the Docker engine at ${endpoint}: the SSH host key is not trusted (${message})`, "HostKeyVerificationFailed");
  if (code === "SSH_AUTH") return make("forbidden", `the Docker engine refused: ${endpoint} did not accept the SSH key (${message})`, "SSHAuthFailed");
  if (code.startsWith("SSH_")) return make("unavailable", `cannot reach the Docker engine at ${endpoint}: ${message}`, "Unreachable");
  if (clientAuthAlert.test(code) || /alert (bad certificate|certificate required|unknown ca)/i.test(message)) {
    return make("forbidden", `the Docker engine refused: ${endpoint} rejected the TLS client certificate (${code || message})`, "ClientCertificateRejected");
  }
  if (serverCertCodes.has(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_") || code === "EPROTO") {
    return make("unavailable", `TLS handshake with the Docker engine at ${endpoint} failed: ${code} ${message}`.trim(), "TLSError");
  }
  if (code.startsWith("ERR_OSSL_")) {
    return make("invalid_input", `the TLS material for ${endpoint} could not be used: ${code}`, "TLSError");
  }
  return make("unavailable", `cannot reach the Docker engine at ${endpoint}: ${code ? `${code} ` : ""}${message}`.trim(), "Unreachable");
}

/** Maps an HTTP error answer of the engine to AppError with the engine's own message. */
export function toHttpError(status: number, body: string, endpoint: string): AppError {
  const engineMessage = readEngineMessage(body) || `HTTP ${status}`;
  const details = { reason: "ApiError" as FailureReason, status, endpoint };
  if (status === 400 && /HTTP request to an HTTPS server/i.test(engineMessage)) {
    return new AppError("unavailable", `the Docker engine at ${endpoint} expects TLS: give the client certificate (tls)`, { details: { ...details, reason: "TLSError" } });
  }
  switch (status) {
    case 400:
      return new AppError("invalid_input", engineMessage, { details });
    case 401:
    case 403:
      return new AppError("forbidden", `the Docker engine refused: ${engineMessage}`, { details: { ...details, reason: "Refused" } });
    case 404:
      return new AppError("not_found", engineMessage, { details });
    case 409:
      return new AppError("conflict", engineMessage, { details });
    default:
      // swarmkit reports a stale Version.Index as a 500 "update out of sequence".
      if (/out of sequence/i.test(engineMessage)) return new AppError("conflict", engineMessage, { details });
      if (status === 503) return new AppError("unavailable", `the Docker engine at ${endpoint} is unavailable: ${engineMessage}`, { details });
      return new AppError("internal", `the Docker engine at ${endpoint} failed: ${engineMessage}`, { details });
  }
}

function readEngineMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // Not JSON: use the text.
  }
  return body.trim().slice(0, 500);
}

export function createTimeoutError(endpoint: string, ms: number): AppError {
  return new AppError("unavailable", `cannot reach the Docker engine at ${endpoint}: no answer within ${ms} ms`, { details: { reason: "Timeout", endpoint } });
}

export function createCancelledError(endpoint: string): AppError {
  return new AppError("unavailable", `request to the Docker engine at ${endpoint} was cancelled`, { details: { reason: "Cancelled", endpoint } });
}
