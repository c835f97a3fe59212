import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { logStep } from "../lib/log.js";
import { runCommand } from "../lib/run.js";
import { type DockerDaemon, type SwarmContext, runDocker } from "./context.js";
import { createTestappDockerfile, failHealthCgi, recoverHealthCgi, testappStartScript } from "./testapp-files.js";

export const baseImage = "meridian/busybox:1.35";
export const testappVersions = ["v1", "v2"] as const;

export type SwarmImages = { busybox: string; testapp: Record<string, string> };

export function getImageNames(ctx: SwarmContext): SwarmImages {
  return {
    busybox: `${ctx.registry}/${baseImage}`,
    testapp: Object.fromEntries(testappVersions.map((v) => [v, `${ctx.registry}/meridian/testapp:${v}`])),
  };
}

async function hasImage(daemon: DockerDaemon, ref: string): Promise<boolean> {
  try {
    await runDocker(daemon, ["image", "inspect", "--format", "{{.Id}}", ref]);
    return true;
  } catch {
    return false;
  }
}

/** A busybox-static root file system imported with `docker import` (nothing is pulled). */
async function importBusybox(ctx: SwarmContext, daemon: DockerDaemon): Promise<void> {
  if (await hasImage(daemon, baseImage)) return;
  logStep(`building ${baseImage} from Debian's busybox-static`);
  const rootfs = join(ctx.runDir, "images", "busybox-rootfs");
  rmSync(rootfs, { recursive: true, force: true });
  for (const dir of ["bin", "etc", "root", "tmp", "var/www"]) mkdirSync(join(rootfs, dir), { recursive: true });
  chmodSync(join(rootfs, "tmp"), 0o1777);
  copyFileSync("/bin/busybox", join(rootfs, "bin", "busybox"));
  chmodSync(join(rootfs, "bin", "busybox"), 0o755);
  const { stdout } = await runCommand(["/bin/busybox", "--list"]);
  for (const applet of stdout.split("\n").map((s) => s.trim())) {
    if (applet === "" || applet === "busybox" || applet.includes("/")) continue;
    symlinkSync("busybox", join(rootfs, "bin", applet));
  }
  writeFileSync(join(rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
  writeFileSync(join(rootfs, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n");
  const tarball = join(ctx.runDir, "images", "busybox-rootfs.tar");
  await runCommand(["tar", "-C", rootfs, "--numeric-owner", "-cf", tarball, "."]);
  await runDocker(daemon, ["import", "--change", 'CMD ["/bin/sh"]', "--change", "ENV PATH=/bin", tarball, baseImage]);
  rmSync(rootfs, { recursive: true, force: true });
  rmSync(tarball, { force: true });
}

async function buildTestapp(ctx: SwarmContext, daemon: DockerDaemon, version: string): Promise<void> {
  const tag = `meridian/testapp:${version}`;
  if (await hasImage(daemon, tag)) return;
  logStep(`building ${tag}`);
  const dir = join(ctx.runDir, "images", `testapp-${version}`);
  const app = join(dir, "app");
  mkdirSync(join(app, "cgi-bin"), { recursive: true });
  const files: [string, string][] = [
    ["start.sh", testappStartScript],
    ["cgi-bin/fail-health", failHealthCgi],
    ["cgi-bin/recover-health", recoverHealthCgi],
  ];
  for (const [file, text] of files) writeFileSync(join(app, file), text, { mode: 0o755 });
  writeFileSync(join(app, "version"), `${version}\n`);
  writeFileSync(join(dir, "Dockerfile"), createTestappDockerfile(baseImage, version));
  await runDocker(daemon, ["build", "--quiet", "-t", tag, dir]);
}

async function pushImage(daemon: DockerDaemon, local: string, remote: string): Promise<void> {
  await runDocker(daemon, ["tag", local, remote]);
  await runDocker(daemon, ["push", remote]);
}

/** Builds the base and test app images locally and pushes them to the testbed registry. */
export async function ensureImages(ctx: SwarmContext, daemon: DockerDaemon): Promise<SwarmImages> {
  const names = getImageNames(ctx);
  await importBusybox(ctx, daemon);
  for (const version of testappVersions) await buildTestapp(ctx, daemon, version);
  const marker = join(ctx.runDir, "images", "pushed");
  if (!existsSync(marker)) {
    logStep(`pushing images to ${ctx.registry}`);
    await pushImage(daemon, baseImage, names.busybox);
    for (const version of testappVersions) {
      await pushImage(daemon, `meridian/testapp:${version}`, names.testapp[version] ?? "");
    }
    writeFileSync(marker, "");
  }
  return names;
}

/** Copies images from the manager to a worker daemon (docker save | docker load through a file). */
export async function copyImagesToWorker(ctx: SwarmContext, from: DockerDaemon, to: DockerDaemon, refs: string[]): Promise<void> {
  const tarball = join(ctx.runDir, "images", "transfer.tar");
  await runDocker(from, ["save", "-o", tarball, ...refs]);
  await runDocker(to, ["load", "-q", "-i", tarball]);
  rmSync(tarball, { force: true });
}
