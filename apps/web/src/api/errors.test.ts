import { ApiError } from "@meridian/client";
import { AppError } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { errorMessage, fieldErrorsOf, isUnauthenticated } from "./errors";

const apiError = (status: number, code: string, message: string, details?: Record<string, unknown>) =>
  new ApiError(status, { error: { code: code as never, message, details } }, "fallback");

describe("fieldErrorsOf", () => {
  it("keys issues by path without the body prefix, first message wins", () => {
    const err = apiError(400, "invalid_input", "invalid body", {
      issues: [
        { path: "body.slug", message: "lower-case letters" },
        { path: "body.slug", message: "second" },
        { path: ["body", "signup", "password"], message: "at least 12 characters" },
        { path: "name", message: "required" },
      ],
    });
    expect(fieldErrorsOf(err)).toEqual({ slug: "lower-case letters", "signup.password": "at least 12 characters", name: "required" });
  });

  it("is empty for errors without issues and for foreign errors", () => {
    expect(fieldErrorsOf(apiError(409, "conflict", "taken"))).toEqual({});
    expect(fieldErrorsOf(new Error("x"))).toEqual({});
    expect(fieldErrorsOf(apiError(400, "invalid_input", "x", { issues: "nope" }))).toEqual({});
  });
});

describe("errorMessage", () => {
  it("turns throttling into a retry time", () => {
    expect(errorMessage(apiError(429, "rate_limited", "too many failed logins", { retryAfterSeconds: 42 }))).toBe("Too many attempts. Try again in 42 seconds.");
    expect(errorMessage(apiError(429, "rate_limited", "too many failed logins", { retryAfterSeconds: 125 }))).toBe("Too many attempts. Try again in 3 minutes.");
    expect(errorMessage(apiError(429, "rate_limited", "slow down"))).toBe("Too many attempts. Slow down.");
  });

  it("shows the server's message, capitalised", () => {
    expect(errorMessage(apiError(401, "unauthenticated", "wrong username or password"))).toBe("Wrong username or password");
    expect(errorMessage(new AppError("unavailable", "cannot reach the Meridian server"))).toBe("Cannot reach the Meridian server");
  });
});

describe("isUnauthenticated", () => {
  it("is true only for HTTP 401 answers", () => {
    expect(isUnauthenticated(apiError(401, "unauthenticated", "log in"))).toBe(true);
    expect(isUnauthenticated(apiError(403, "forbidden", "no"))).toBe(false);
    expect(isUnauthenticated(new AppError("unauthenticated", "x"))).toBe(false);
  });
});
