import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type TestbedPaths, versions } from "../lib/config.js";
import { TestbedError, logStep } from "../lib/log.js";
import { assertDiskFree } from "../lib/preflight.js";
import { isCommandAvailable, runCommand } from "../lib/run.js";

const kubeCommands = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl"] as const;

/** Files the testbed runs with, copied out of the module cache so runtime never depends on GOMODCACHE. */
export const kwokStageFiles = [
  "stage/node/fast/node-initialize.yaml",
  "stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
  "stage/pod/fast/pod-ready.yaml",
  "stage/pod/fast/pod-complete.yaml",
  "stage/pod/fast/pod-delete.yaml",
  "metrics/resource/metrics-resource.yaml",
  "metrics/usage/usage-from-annotation.yaml",
];

export const testbedBinaries = [
  ...kubeCommands,
  "etcd",
  "etcdctl",
  "kwok",
  "metrics-server",
  "helm",
  "kustomize",
] as const;

function getGoEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOTOOLCHAIN: "local",
    CGO_ENABLED: "0",
    GOFLAGS: "-modcacherw -buildvcs=false",
  };
}

async function runGo(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await runCommand(["go", ...args], { cwd, env: getGoEnv() });
  return stdout;
}

async function downloadModule(module: string): Promise<{ Dir: string; GoMod: string }> {
  return JSON.parse(await runGo(["mod", "download", "-json", module])) as { Dir: string; GoMod: string };
}

function writeToolsFile(dir: string, imports: readonly string[]): void {
  const lines = imports.map((path) => `\t_ "${path}"`).join("\n");
  writeFileSync(join(dir, "tools.go"), `//go:build tools\n\npackage tools\n\nimport (\n${lines}\n)\n`);
}

/** The staging modules that k8s.io/kubernetes replaces with ./staging/src/k8s.io/<name>, read from its go.mod. */
export function listStagingModules(goMod: string): string[] {
  const modules = new Set<string>();
  for (const match of goMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\/src\/k8s\.io\//gm)) {
    if (match[1] !== undefined) modules.add(match[1]);
  }
  return [...modules].sort();
}

function getKubeLdflags(): string {
  const [major, minor] = versions.kubernetes.slice(1).split(".");
  const flags = ["-s", "-w"];
  for (const pkg of ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]) {
    flags.push(
      `-X ${pkg}.gitVersion=${versions.kubernetes}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
      `-X ${pkg}.gitCommit=none`,
      `-X ${pkg}.buildDate=2026-01-01T00:00:00Z`,
    );
  }
  return flags.join(" ");
}

async function buildKubernetes(paths: TestbedPaths): Promise<void> {
  if (kubeCommands.every((name) => existsSync(join(paths.bin, name)))) return;
  const dir = join(paths.src, "k8s");
  mkdirSync(dir, { recursive: true });
  logStep(`kubernetes ${versions.kubernetes}: generating wrapper module in ${dir}`);
  const upstream = await downloadModule(`k8s.io/kubernetes@${versions.kubernetes}`);
  const staging = listStagingModules(readFileSync(upstream.GoMod, "utf8"));
  if (staging.length < 20) throw new TestbedError(`found only ${staging.length} staging modules in ${upstream.GoMod}`);
  const replaces = staging.map((m) => `\t${m} => ${m} ${versions.kubernetesStaging}`).join("\n");
  writeFileSync(
    join(dir, "go.mod"),
    `module testbed.local/k8s\n\ngo 1.26.0\n\ngodebug default=go1.26\n\n` +
      `require k8s.io/kubernetes ${versions.kubernetes}\n\nreplace (\n${replaces}\n)\n`,
  );
  writeToolsFile(
    dir,
    kubeCommands.map((name) => `k8s.io/kubernetes/cmd/${name}`),
  );
  await runGo(["mod", "tidy"], dir);
  logStep(`kubernetes: go build ${kubeCommands.join(", ")} (the slow part of a cold build)`);
  await runGo(
    [
      "build",
      "-trimpath",
      "-tags=selinux,notest,grpcnotrace",
      `-ldflags=${getKubeLdflags()}`,
      "-o",
      `${paths.bin}/`,
      ...kubeCommands.map((name) => `k8s.io/kubernetes/cmd/${name}`),
    ],
    dir,
  );
}

async function buildEtcd(paths: TestbedPaths): Promise<void> {
  if (existsSync(join(paths.bin, "etcd")) && existsSync(join(paths.bin, "etcdctl"))) return;
  const dir = join(paths.src, "etcd");
  mkdirSync(dir, { recursive: true });
  logStep(`etcd ${versions.etcd}: building from a wrapper module`);
  const server = "go.etcd.io/etcd/server/v3";
  const ctl = "go.etcd.io/etcd/etcdctl/v3";
  writeFileSync(
    join(dir, "go.mod"),
    `module testbed.local/etcd\n\ngo 1.26.0\n\nrequire (\n\t${server} ${versions.etcd}\n\t${ctl} ${versions.etcd}\n)\n`,
  );
  writeToolsFile(dir, [server, ctl]);
  await runGo(["mod", "tidy"], dir);
  await runGo(["build", "-trimpath", "-ldflags=-s -w", "-o", join(paths.bin, "etcd"), server], dir);
  await runGo(["build", "-trimpath", "-ldflags=-s -w", "-o", join(paths.bin, "etcdctl"), ctl], dir);
}

async function installGoTool(paths: TestbedPaths, name: string, pkg: string, ldflags = "-s -w"): Promise<void> {
  if (existsSync(join(paths.bin, name))) return;
  logStep(`${name}: go install ${pkg}`);
  await runCommand(["go", "install", "-trimpath", `-ldflags=${ldflags}`, pkg], {
    env: { ...getGoEnv(), GOBIN: paths.bin },
  });
}

async function copyKwokStages(paths: TestbedPaths): Promise<void> {
  const target = join(paths.data, "kwok");
  if (kwokStageFiles.every((file) => existsSync(join(target, file.replaceAll("/", "_"))))) return;
  const module = await downloadModule(`sigs.k8s.io/kwok@${versions.kwok}`);
  mkdirSync(target, { recursive: true });
  for (const file of kwokStageFiles) {
    copyFileSync(join(module.Dir, "kustomize", file), join(target, file.replaceAll("/", "_")));
  }
}

export function getKwokStagePath(paths: TestbedPaths, file: string): string {
  return join(paths.data, "kwok", file.replaceAll("/", "_"));
}

export function isBuildComplete(paths: TestbedPaths): boolean {
  return (
    testbedBinaries.every((name) => existsSync(join(paths.bin, name))) &&
    kwokStageFiles.every((file) => existsSync(getKwokStagePath(paths, file)))
  );
}

/** Builds every pinned binary that is missing from the cache. Warm runs return at once. */
export async function buildTestbedBinaries(paths: TestbedPaths): Promise<void> {
  if (isBuildComplete(paths)) return;
  if (!(await isCommandAvailable("go"))) {
    throw new TestbedError("Go >= 1.26 is needed to build the testbed binaries (go not found on PATH)");
  }
  assertDiskFree(paths.cache, 8, "a cold testbed build (binaries + Go module and build caches)");
  mkdirSync(paths.bin, { recursive: true });
  const started = Date.now();
  logStep(`building testbed binaries into ${paths.bin} (cold: expect tens of minutes on 2 cores)`);
  await buildKubernetes(paths);
  await buildEtcd(paths);
  await installGoTool(paths, "kwok", `sigs.k8s.io/kwok/cmd/kwok@${versions.kwok}`);
  await copyKwokStages(paths);
  await installGoTool(
    paths,
    "metrics-server",
    `sigs.k8s.io/metrics-server/cmd/metrics-server@${versions.metricsServer}`,
    `-s -w -X k8s.io/client-go/pkg/version.gitVersion=${versions.metricsServer}`,
  );
  await installGoTool(
    paths,
    "helm",
    `helm.sh/helm/v3/cmd/helm@${versions.helm}`,
    `-s -w -X helm.sh/helm/v3/internal/version.version=${versions.helm}`,
  );
  await installGoTool(paths, "kustomize", `sigs.k8s.io/kustomize/kustomize/v5@${versions.kustomize}`);
  logStep(`build finished in ${Math.round((Date.now() - started) / 1000)}s`);
}
