import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, type AgentOptions } from "node:http";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duplex } from "node:stream";
import { AppError } from "@meridian/core";

export interface SshTarget {
  user: string | null;
  hostname: string;
  port: number;
  privateKey?: string;
  knownHosts?: string;
  insecureSkipHostKeyCheck?: boolean;
}

const maxStderr = 4096;

/**
 * One HTTP connection carried over `ssh … docker system dial-stdio`: the child's stdout is what we read,
 * its stdin what we write. Destroying the socket kills the ssh process.
 * The no-op socket methods are the ones http.Agent calls on pooled sockets (setKeepAlive, ref/unref …).
 */
export class SshStdioSocket extends Duplex {
  private stderr = "";
  private received = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private idleMs = 0;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    super();
    child.stdout.on("data", (chunk: Buffer) => {
      this.received = true;
      this.touch();
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (this.stderr.length < maxStderr) this.stderr += chunk.toString("utf8").slice(0, maxStderr - this.stderr.length);
    });
    child.stdin.on("error", () => {
      // EPIPE when ssh exits first; the close handler below reports why.
    });
    child.on("error", (error) => this.destroy(error));
    // "close" comes after the process exited and its pipes drained, so stderr is complete here.
    child.on("close", (code) => {
      if (this.destroyed) return;
      if (code !== 0 && (!this.received || this.stderr.trim() !== "")) {
        this.destroy(createSshError(code, this.stderr));
        return;
      }
      this.push(null);
    });
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.touch();
    this.child.stdin.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.child.stdin.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    callback(error);
  }

  setTimeout(ms: number, listener?: () => void): this {
    if (listener) this.once("timeout", listener);
    this.idleMs = ms;
    this.touch();
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    if (this.idleMs > 0 && !this.destroyed) this.idleTimer = setTimeout(() => this.emit("timeout"), this.idleMs);
  }
}

/** Turns ssh's exit into a clear error; stderr carries its reason (auth, host key, remote command). */
function createSshError(code: number | null, stderr: string): Error {
  const reason = stderr.trim().split("\n").filter((l) => l.trim() !== "").slice(-3).join("; ") || `ssh exited with code ${code}`;
  const error = new Error(`ssh: ${reason}`) as Error & { code: string };
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/i.test(reason)) error.code = "SSH_HOST_KEY";
  else if (/Permission denied|Too many authentication failures/i.test(reason)) error.code = "SSH_AUTH";
  else if (/Connection refused|Could not resolve|No route to host|timed out|Network is unreachable/i.test(reason)) error.code = "SSH_CONNECT";
  else error.code = "SSH_FAILED";
  return error;
}

/**
 * Owns the private 0700 directory with the key and known_hosts files and builds each connection's argv.
 * Files are written on first use and removed by close().
 */
export class SshDialer {
  private dir: string | undefined;
  private readonly children = new Set<ChildProcessWithoutNullStreams>();

  constructor(private readonly target: SshTarget) {
    if (!target.insecureSkipHostKeyCheck && !target.knownHosts?.trim()) {
      throw new AppError("invalid_input", "an ssh:// Docker host needs sshKnownHosts (or insecureSkipHostKeyCheck)");
    }
  }

  buildArgv(): string[] {
    const dir = this.ensureFiles();
    const argv = ["-F", "none", "-T", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=15", "-o", "LogLevel=ERROR"];
    if (this.target.insecureSkipHostKeyCheck) argv.push("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null");
    else argv.push("-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${join(dir, "known_hosts")}`);
    if (this.target.privateKey) argv.push("-o", "IdentitiesOnly=yes", "-i", join(dir, "id_key"));
    argv.push("-p", String(this.target.port));
    if (this.target.user !== null) argv.push("-l", this.target.user);
    // "--" before the destination: nothing after it is parsed as an ssh option.
    argv.push("--", this.target.hostname, "docker", "system", "dial-stdio");
    return argv;
  }

  connect(): SshStdioSocket {
    const child = spawn("ssh", this.buildArgv(), { stdio: ["pipe", "pipe", "pipe"] });
    this.children.add(child);
    child.on("close", () => this.children.delete(child));
    return new SshStdioSocket(child);
  }

  close(): void {
    for (const child of this.children) child.kill("SIGTERM");
    this.children.clear();
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private ensureFiles(): string {
    if (this.dir !== undefined) return this.dir;
    const dir = mkdtempSync(join(tmpdir(), "meridian-ssh-"));
    if (this.target.privateKey) writeFileSync(join(dir, "id_key"), ensureTrailingNewline(this.target.privateKey), { mode: 0o600 });
    if (this.target.knownHosts) writeFileSync(join(dir, "known_hosts"), ensureTrailingNewline(this.target.knownHosts), { mode: 0o600 });
    this.dir = dir;
    return dir;
  }
}

// OpenSSH refuses a key file whose last line has no newline ("invalid format").
function ensureTrailingNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

/** An http.Agent whose connections are ssh processes. */
export class SshAgent extends Agent {
  constructor(
    private readonly dialer: SshDialer,
    options: AgentOptions,
  ) {
    super(options);
  }

  override createConnection(): Socket {
    // http only needs the Duplex surface plus the few methods SshStdioSocket adds.
    return this.dialer.connect() as unknown as Socket;
  }
}
