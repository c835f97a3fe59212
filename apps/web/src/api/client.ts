import { createClient, type MeridianClient } from "@meridian/client";

/**
 * The one typed client of the web UI. The CSRF token arrives with login and /me; it is kept here and read
 * lazily on every unsafe request so a refreshed token is picked up without rebuilding the client.
 */
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export const api: MeridianClient = createClient({ baseUrl: "", csrfToken: () => csrfToken });

/** For requests the typed client cannot make (an upload with progress events). */
export function getCsrfToken(): string | null {
  return csrfToken;
}
