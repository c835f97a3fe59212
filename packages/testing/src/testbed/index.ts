export { runTestbedCli } from "./cli.js";
export {
  type EnsureK8sOptions,
  type K8sTestbed,
  ensureK8sTestbed,
  setK8sNodeReady,
  startK8sApiserver,
  stopK8sApiserver,
} from "./k8s.js";
export { type SwarmImages, type SwarmTestbed, ensureSwarmTestbed, setSwarmWorkerRunning } from "./swarm.js";
