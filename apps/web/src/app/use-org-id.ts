import { useParams } from "@tanstack/react-router";

/** The organization in the URL, for pages under /orgs/$orgId. */
export function useOrgId(): string {
  const { orgId } = useParams({ strict: false }) as { orgId?: string };
  return orgId ?? "";
}
