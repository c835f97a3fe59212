/** The closed set of error codes every layer speaks; HTTP mapping lives in one place (httpStatusOf). */
export const errorCodes = [
  "invalid_input",
  "not_found",
  "conflict",
  "unauthenticated",
  "forbidden",
  "rate_limited",
  "unavailable",
  "internal",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorDetails {
  [key: string]: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;
  constructor(code: ErrorCode, message: string, opts: { cause?: unknown; details?: ErrorDetails } = {}) {
    super(message, { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.details = opts.details;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case "invalid_input":
      return 400;
    case "unauthenticated":
      return 401;
    case "forbidden":
      return 403;
    case "not_found":
      return 404;
    case "conflict":
      return 409;
    case "rate_limited":
      return 429;
    case "unavailable":
      return 503;
    case "internal":
      return 500;
    default: {
      const never: never = code;
      return never;
    }
  }
}

export function codeOfHttpStatus(status: number): ErrorCode {
  const found = errorCodes.find((c) => httpStatusOf(c) === status);
  return found ?? (status >= 500 ? "internal" : "invalid_input");
}
