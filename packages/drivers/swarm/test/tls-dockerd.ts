import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findProgram, getFreePort, waitFor } from "./helpers.js";

const execFileAsync = promisify(execFile);

export interface TlsPem {
  caData: string;
  certData: string;
  keyData: string;
}

export interface TlsDockerd {
  host: string;
  client: TlsPem;
  /** A client certificate from a CA the engine does not trust. */
  rogueClient: TlsPem;
  /** CA bundle that did not sign the engine's certificate. */
  otherCa: string;
  stop(): Promise<void>;
}

/** Why a second dockerd cannot run here, or null when it can. */
export function findTlsDockerdBlocker(): string | null {
  if (process.getuid?.() !== 0) return "a second dockerd needs root";
  for (const program of ["dockerd", "openssl"]) if (findProgram(program) === undefined) return `${program} is not installed`;
  return null;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  await execFileAsync("openssl", args, { cwd: dir });
}

async function createCa(dir: string, name: string): Promise<void> {
  await openssl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}-key.pem`, "-out", `${name}.pem`, "-days", "2", "-subj", `/CN=${name}`]);
}

async function createCert(dir: string, name: string, ca: string, ext: string): Promise<void> {
  await openssl(dir, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}-key.pem`, "-out", `${name}.csr`, "-subj", `/CN=${name}`]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  await openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.pem`, "-CAkey", `${ca}-key.pem`, "-CAcreateserial", "-out", `${name}.pem`, "-days", "2", "-extfile", `${name}.ext`]);
}

/**
 * A throw-away dockerd listening on tcp://127.0.0.1:<port> with --tlsverify: no bridge, no iptables, its own
 * data and exec roots and containerd namespace, so nothing of the testbed or the host is touched. It is not a
 * Swarm member, which the probe reports.
 */
export async function startTlsDockerd(): Promise<TlsDockerd> {
  const dir = mkdtempSync(join(tmpdir(), "mrdn-tls-"));
  await createCa(dir, "ca");
  await createCa(dir, "rogue-ca");
  await createCert(dir, "server", "ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  await createCert(dir, "client", "ca", "extendedKeyUsage=clientAuth\n");
  await createCert(dir, "rogue-client", "rogue-ca", "extendedKeyUsage=clientAuth\n");
  writeFileSync(join(dir, "daemon.json"), "{}\n");
  const port = await getFreePort();
  const name = `tls${port}`;
  const argv = [
    `--data-root=${join(dir, "data")}`,
    `--exec-root=${join(dir, "exec")}`,
    `--pidfile=${join(dir, "dockerd.pid")}`,
    `--config-file=${join(dir, "daemon.json")}`,
    `--host=tcp://127.0.0.1:${port}`,
    "--tlsverify",
    `--tlscacert=${join(dir, "ca.pem")}`,
    `--tlscert=${join(dir, "server.pem")}`,
    `--tlskey=${join(dir, "server-key.pem")}`,
    "--bridge=none",
    "--iptables=false",
    "--ip-masq=false",
    "--storage-driver=vfs",
    `--containerd-namespace=meridian-${name}`,
    `--containerd-plugins-namespace=meridian-${name}-plugins`,
    "--log-level=error",
  ];
  const child: ChildProcess = spawn("dockerd", argv, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const read = (file: string) => readFileSync(join(dir, file), "utf8");
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      "the TLS dockerd",
      async () => {
        if (child.exitCode !== null) throw new Error(`dockerd exited: ${stderr}`);
        return existsSync(join(dir, "dockerd.pid")) && (await fetchPing(port)) ? true : undefined;
      },
      60_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    host: `tcp://127.0.0.1:${port}`,
    client: { caData: read("ca.pem"), certData: read("client.pem"), keyData: read("client-key.pem") },
    rogueClient: { caData: read("ca.pem"), certData: read("rogue-client.pem"), keyData: read("rogue-client-key.pem") },
    otherCa: read("rogue-ca.pem"),
    stop,
  };
}

// Any TLS answer (even a refused handshake) means the listener is up.
async function fetchPing(port: number): Promise<boolean> {
  const { connect } = await import("node:net");
  return await new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}
