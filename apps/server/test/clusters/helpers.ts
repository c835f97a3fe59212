import type { ApiError } from "@meridian/client";

export { waitFor } from "@meridian/testing";

/** The ApiError a call fails with, or null if it succeeds. */
export const errorOf = (p: Promise<unknown>): Promise<ApiError | null> => p.then(() => null, (e: ApiError) => e);
