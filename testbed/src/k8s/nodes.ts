import { versions } from "../lib/config.js";

/** A small catalogue of cloud-like shapes, so inventory, bin-packing and cost code see realistic variety. */
const instanceTypes = [
  { name: "m5.xlarge", cpu: 4, memoryGi: 16 },
  { name: "m5.2xlarge", cpu: 8, memoryGi: 32 },
  { name: "c5.2xlarge", cpu: 8, memoryGi: 16 },
  { name: "r5.xlarge", cpu: 4, memoryGi: 32 },
] as const;

export const testbedRegion = "testbed-1";
export const testbedZones = ["testbed-1a", "testbed-1b", "testbed-1c"] as const;
export const kwokNodeAnnotation = "kwok.x-k8s.io/node";

export function getNodeName(index: number): string {
  return `kwok-node-${index}`;
}

/**
 * A fake node managed by KWOK: untainted (so ordinary workloads schedule), its own /24 pod CIDR from 10.128.0.0/9,
 * zone and instance-type labels, and capacity/allocatable matching the instance type (kubelet-style reservations).
 */
export function createNodeManifest(index: number): Record<string, unknown> {
  const name = getNodeName(index);
  const type = instanceTypes[index % instanceTypes.length] ?? instanceTypes[0];
  const zone = testbedZones[index % testbedZones.length] ?? testbedZones[0];
  const cidr = `10.${128 + Math.floor(index / 256)}.${index % 256}.0/24`;
  const memoryMi = type.memoryGi * 1024;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: {
        [kwokNodeAnnotation]: "fake",
        "node.alpha.kubernetes.io/ttl": "0",
        "metrics.k8s.io/resource-metrics-path": `/metrics/nodes/${name}/metrics/resource`,
      },
      labels: {
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/os": "linux",
        "kubernetes.io/hostname": name,
        "node.kubernetes.io/instance-type": type.name,
        "topology.kubernetes.io/region": testbedRegion,
        "topology.kubernetes.io/zone": zone,
        type: "kwok",
        "meridian.dev/testbed": "true",
      },
    },
    spec: { podCIDR: cidr, podCIDRs: [cidr], providerID: `kwok://${testbedRegion}/${zone}/${name}` },
    status: {
      capacity: { cpu: String(type.cpu), memory: `${memoryMi}Mi`, pods: "110", "ephemeral-storage": "100Gi" },
      allocatable: {
        cpu: `${type.cpu * 1000 - 100}m`,
        memory: `${memoryMi - 768}Mi`,
        pods: "110",
        "ephemeral-storage": "95Gi",
      },
      nodeInfo: {
        architecture: "amd64",
        operatingSystem: "linux",
        kubeletVersion: versions.kubernetes,
        kubeProxyVersion: versions.kubernetes,
        containerRuntimeVersion: `kwok://${versions.kwok}`,
        osImage: "Meridian testbed (KWOK)",
      },
    },
  };
}
