import { existsSync, rmSync, writeFileSync } from "node:fs";
import { TestbedError, logStep } from "./log.js";
import { runCommand } from "./run.js";

const policyRcPath = "/usr/sbin/policy-rc.d";

async function isPackageInstalled(name: string): Promise<boolean> {
  try {
    const { stdout } = await runCommand(["dpkg-query", "-W", "-f=${Status}", name]);
    return stdout.includes("install ok installed");
  } catch {
    return false;
  }
}

/**
 * Installs missing Debian packages with apt-get. Service start-up in maintainer scripts is blocked for the
 * duration (a temporary policy-rc.d, removed afterwards if we created it), so installing docker.io or
 * docker-registry never starts a system dockerd or a registry on port 5000 behind our back.
 */
export async function ensureDebianPackages(names: string[]): Promise<void> {
  const missing: string[] = [];
  for (const name of names) if (!(await isPackageInstalled(name))) missing.push(name);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new TestbedError(`missing Debian packages ${missing.join(", ")}; install them as root: apt-get install -y ${missing.join(" ")}`);
  }
  logStep(`installing Debian packages: ${missing.join(", ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const createdPolicy = !existsSync(policyRcPath);
  if (createdPolicy) writeFileSync(policyRcPath, "#!/bin/sh\n# meridian testbed: no service starts during apt-get\nexit 101\n", { mode: 0o755 });
  try {
    const install = ["apt-get", "install", "-y", "--no-install-recommends", ...missing];
    try {
      await runCommand(install, { env, inherit: true });
    } catch {
      logStep("apt-get install failed; running apt-get update once and retrying");
      await runCommand(["apt-get", "update"], { env, inherit: true });
      await runCommand(install, { env, inherit: true });
    }
  } finally {
    if (createdPolicy) rmSync(policyRcPath, { force: true });
  }
}
