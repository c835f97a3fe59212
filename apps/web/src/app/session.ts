import type { Me } from "@meridian/core";
import { type QueryClient, useQuery } from "@tanstack/react-query";
import { api, setCsrfToken } from "../api/client";

export const meKey = ["getMe"] as const;

/** The caller, their organizations and the CSRF token; a 401 here means "not logged in". */
export function useMe() {
  return useQuery<Me>({
    queryKey: meKey,
    queryFn: async () => {
      const me = await api.call("getMe");
      setCsrfToken(me.csrfToken);
      return me;
    },
    retry: false,
    staleTime: 60_000,
  });
}

/**
 * After a login: drop everything cached for the previous (anonymous) caller and load /me before any page
 * asks for it, so no stale 401 can bounce the user back to the login page.
 */
export async function startSession(queryClient: QueryClient, csrfToken: string): Promise<Me> {
  setCsrfToken(csrfToken);
  queryClient.removeQueries();
  const me = await api.call("getMe");
  setCsrfToken(me.csrfToken ?? csrfToken);
  queryClient.setQueryData(meKey, me);
  return me;
}

const LAST_ORG = "meridian.lastOrg";

export function rememberOrg(slug: string): void {
  try {
    localStorage.setItem(LAST_ORG, slug);
  } catch {
    // not persisted; harmless
  }
}

/** The organization to open when the URL names none: the last one used if still a member, else the first. */
export function pickOrg(me: Me | undefined): string | null {
  if (!me || me.organizations.length === 0) return null;
  let last: string | null = null;
  try {
    last = localStorage.getItem(LAST_ORG);
  } catch {
    last = null;
  }
  const found = me.organizations.find((o) => o.slug === last || o.id === last);
  return (found ?? me.organizations[0])?.slug ?? null;
}
