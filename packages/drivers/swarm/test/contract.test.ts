import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createSwarmConnection } from "@meridian/driver-swarm";
import { describeConnectionContract } from "@meridian/testing/contract";
import { ensureSwarmTestbed } from "@meridian/testing/testbed";

const run = promisify(execFile);
const tb = await ensureSwarmTestbed();
const docker = (...args: string[]) => run("docker", args, { env: { ...process.env, DOCKER_HOST: tb.dockerHost } }).then((r) => r.stdout.trim());

describeConnectionContract({
  runtime: "swarm",
  connect: () => createSwarmConnection({ host: tb.dockerHost }),
  connectUnreachable: () => createSwarmConnection({ host: "tcp://127.0.0.1:1" }),
  nodeKind: "SwarmNode",
  workloadKind: "SwarmService",
  namespace: "contract",
  workloadYaml: (name, replicas, variant) => `kind: SwarmService
name: ${name}
image: ${tb.images.busybox}
replicas: ${replicas}
constraints: ["node.role==manager"]
env: { VARIANT: "${variant}" }
command: ["sh", "-c", "while true; do echo hello from ${name}; sleep 1; done"]
`,
  readReplicas: async (name) => Number(await docker("service", "inspect", name, "--format", "{{.Spec.Mode.Replicated.Replicas}}")),
  cleanup: async (name) => {
    await docker("service", "rm", name);
  },
});
