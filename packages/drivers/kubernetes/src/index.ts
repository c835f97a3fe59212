export type { KubeAppDriverOptions } from "./apps/app-driver.js";
export { createKubernetesConnection, type KubernetesConnectionOptions } from "./connection.js";
export { type KubeContextInfo, type KubeTarget, listKubeconfigContexts, resolveKubeconfig } from "./kubeconfig.js";
export { parseQuantity, toBytes, toMillicores } from "./quantity.js";
export { createKubeHttp, type KubeHttp } from "./kube-http.js";
