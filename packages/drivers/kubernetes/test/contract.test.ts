import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { createKubernetesConnection, resolveKubeconfig } from "@meridian/driver-kubernetes";
import { describeConnectionContract } from "@meridian/testing/contract";
import { ensureK8sTestbed } from "@meridian/testing/testbed";

const run = promisify(execFile);
const tb = await ensureK8sTestbed();
const kubectl = (...args: string[]) => run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, ...args]).then((r) => r.stdout);
const namespace = `contract-${Date.now().toString(36)}`;
await kubectl("create", "namespace", namespace);

describeConnectionContract({
  runtime: "kubernetes",
  connect: () => createKubernetesConnection(resolveKubeconfig(readFileSync(tb.kubeconfigPath, "utf8")).target),
  connectUnreachable: () => createKubernetesConnection({ server: "https://127.0.0.1:1", insecureSkipTlsVerify: true, token: "x" }),
  nodeKind: "Node",
  workloadKind: "Deployment",
  namespace,
  workloadYaml: (name, replicas, variant) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: main, image: "registry.local/app:${variant}" }] }
`,
  readReplicas: async (name) => JSON.parse(await kubectl("-n", namespace, "get", "deployment", name, "-o", "json")).spec.replicas,
  cleanup: async () => {
    await kubectl("delete", "namespace", namespace, "--wait=false");
  },
  skip: { logs: "KWOK pods run no containers, so the kubelet log endpoint does not exist on the testbed" },
});
