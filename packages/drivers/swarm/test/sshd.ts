import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { getFreePort, waitFor } from "./helpers.js";

const execFileAsync = promisify(execFile);
const sshdPath = "/usr/sbin/sshd";

/** sshd is there, or installed with apt when we are root; otherwise the reason the SSH tests skip. */
export async function ensureSshd(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (existsSync(sshdPath)) return { ok: true };
  if (process.getuid?.() !== 0) return { ok: false, reason: "openssh-server is not installed and the tests are not root to install it" };
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    await execFileAsync("apt-get", ["update", "-qq"], { env, timeout: 240_000 });
    await execFileAsync("apt-get", ["install", "-y", "-qq", "openssh-server"], { env, timeout: 240_000 });
  } catch (error) {
    return { ok: false, reason: `openssh-server could not be installed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}` };
  }
  return existsSync(sshdPath) ? { ok: true } : { ok: false, reason: "apt-get installed openssh-server but /usr/sbin/sshd is missing" };
}

export interface TestSshd {
  host: string;
  user: string;
  privateKey: string;
  knownHosts: string;
  /** A key the server does not accept, and known_hosts lines for another host key. */
  otherPrivateKey: string;
  otherKnownHosts: string;
  stop(): Promise<void>;
}

async function generateKey(path: string): Promise<void> {
  await execFileAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "meridian-test", "-f", path]);
}

/**
 * A private sshd on 127.0.0.1 whose sessions reach the testbed engine: SetEnv gives the remote
 * `docker system dial-stdio` the testbed's DOCKER_HOST.
 */
export async function startTestSshd(dockerHost: string): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), "meridian-sshd-"));
  for (const key of ["host_key", "other_host_key", "client_key", "other_client_key"]) await generateKey(join(dir, key));
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")), { mode: 0o600 });
  const user = userInfo().username;
  const config = [
    `HostKey ${join(dir, "host_key")}`,
    `PidFile ${join(dir, "sshd.pid")}`,
    `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitRootLogin prohibit-password",
    "UsePAM no",
    "StrictModes no",
    `AllowUsers ${user}`,
    `SetEnv DOCKER_HOST=${dockerHost}`,
    "",
  ].join("\n");
  writeFileSync(join(dir, "sshd_config"), config);
  // sshd insists on its privilege separation directory.
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const port = await getFreePort();
  const child: ChildProcess = spawn(sshdPath, ["-D", "-e", "-f", join(dir, "sshd_config"), "-p", String(port), "-o", "ListenAddress=127.0.0.1"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitFor(
    "sshd listening",
    () => {
      if (child.exitCode !== null) throw new Error(`sshd exited: ${stderr}`);
      return new Promise<boolean>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => {
          socket.destroy();
          resolve(true);
        });
        socket.on("error", () => resolve(false));
      });
    },
    15_000,
  );
  const hostLine = (file: string) => `[127.0.0.1]:${port} ${readFileSync(join(dir, file), "utf8").trim().split(" ").slice(0, 2).join(" ")}\n`;
  return {
    host: `ssh://${user}@127.0.0.1:${port}`,
    user,
    privateKey: readFileSync(join(dir, "client_key"), "utf8"),
    knownHosts: hostLine("host_key.pub"),
    otherPrivateKey: readFileSync(join(dir, "other_client_key"), "utf8"),
    otherKnownHosts: hostLine("other_host_key.pub"),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
