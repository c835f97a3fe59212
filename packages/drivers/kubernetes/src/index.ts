export { createKubernetesConnection } from "./connection.js";
export { type KubeContextInfo, type KubeTarget, listKubeconfigContexts, resolveKubeconfig } from "./kubeconfig.js";
export { parseQuantity, toBytes, toMillicores } from "./quantity.js";
export { createKubeHttp, type KubeHttp } from "./kube-http.js";
