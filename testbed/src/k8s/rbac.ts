import { type KubeApi, sendOk } from "./kube-api.js";

export const restrictedUser = "testbed-restricted";
export const restrictedNamespace = "team-a";

/**
 * The restricted user may read most things cluster-wide (ClusterRole `view`, which excludes Secrets) and edit
 * only in namespace team-a, so tests can provoke 403s: list Secrets cluster-wide, create in default, etc.
 */
export async function applyRestrictedUserRbac(api: KubeApi): Promise<void> {
  const created = { okStatuses: [409] };
  await sendOk(api, "POST", "/api/v1/namespaces", { metadata: { name: restrictedNamespace } }, created);
  const subject = { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: restrictedUser };
  await sendOk(
    api,
    "POST",
    "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
    {
      metadata: { name: "meridian-testbed-restricted-view" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [subject],
    },
    created,
  );
  await sendOk(
    api,
    "POST",
    `/apis/rbac.authorization.k8s.io/v1/namespaces/${restrictedNamespace}/rolebindings`,
    {
      metadata: { name: "meridian-testbed-restricted-edit" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
      subjects: [subject],
    },
    created,
  );
}
