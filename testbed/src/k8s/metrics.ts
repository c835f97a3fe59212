import { type KubeApi, sendOk } from "./kube-api.js";

const apiServicePath = "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io";

/**
 * Points metrics.k8s.io at the host's metrics-server through an ExternalName Service (the aggregator resolves
 * it to 127.0.0.1; EndpointSlices cannot hold loopback addresses). Register only while metrics-server runs:
 * a dead APIService breaks discovery for many clients.
 */
export async function registerMetricsApi(api: KubeApi, port: number): Promise<void> {
  await sendOk(
    api,
    "POST",
    "/api/v1/namespaces/kube-system/services",
    {
      metadata: { name: "metrics-server", namespace: "kube-system" },
      spec: { type: "ExternalName", externalName: "127.0.0.1", ports: [{ name: "https", port }] },
    },
    { okStatuses: [409] },
  );
  await sendOk(
    api,
    "POST",
    "/apis/apiregistration.k8s.io/v1/apiservices",
    {
      metadata: { name: "v1beta1.metrics.k8s.io" },
      spec: {
        group: "metrics.k8s.io",
        version: "v1beta1",
        groupPriorityMinimum: 100,
        versionPriority: 100,
        insecureSkipTLSVerify: true,
        service: { name: "metrics-server", namespace: "kube-system", port },
      },
    },
    { okStatuses: [409] },
  );
}

export async function unregisterMetricsApi(api: KubeApi): Promise<void> {
  await sendOk(api, "DELETE", apiServicePath, undefined, { okStatuses: [404] });
}
