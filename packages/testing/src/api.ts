import { createClient, type MeridianClient } from "@meridian/client";

export interface Session {
  client: MeridianClient;
  cookie: string;
  csrfToken: string;
  userId: string;
}

/** Logs in over HTTP and returns a client that carries the session cookie and CSRF token, as a browser would. */
export async function loginAs(baseUrl: string, username: string, password: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login as ${username} failed: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { csrfToken: string; user: { id: string } };
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const client = createClient({
    baseUrl,
    csrfToken: () => body.csrfToken,
    fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie } }),
  });
  return { client, cookie, csrfToken: body.csrfToken, userId: body.user.id };
}

export function tokenClient(baseUrl: string, token: string): MeridianClient {
  return createClient({ baseUrl, token });
}
