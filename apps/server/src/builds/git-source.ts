import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import { AppError } from "@meridian/core";

const run = promisify(execFile);

/**
 * Checks out an app's git source at a ref into a temp dir. git runs with argv arrays, no prompts, no `ext::`
 * transports; URLs that could be read as options are refused. Local paths (and file://) are only accepted when
 * the operator allows them (tests use a local bare repository).
 */
export interface Checkout {
  dir: string;
  commit: string;
  cleanup(): Promise<void>;
}

export function validateGitUrl(url: string, allowLocal: boolean): void {
  if (url.startsWith("-")) throw new AppError("invalid_input", "a git URL cannot start with '-'");
  if (/^(https|ssh|git):\/\//.test(url) || /^[\w.-]+@[\w.-]+:[\w./~-]+$/.test(url)) return;
  if (allowLocal && (url.startsWith("/") || url.startsWith("file://"))) return;
  throw new AppError("invalid_input", `unsupported git URL ${url}: use https://, ssh:// or user@host:path${allowLocal ? ", or a local path" : ""}`);
}

/** A path inside the checkout; `..` and absolute paths are refused so a build can't read outside it. */
export function safeSubpath(p: string, what: string): string {
  const n = normalize(p).replace(/^\.\/?/, "");
  if (n.startsWith("..") || n.startsWith("/")) throw new AppError("invalid_input", `${what} must stay inside the repository: ${p}`);
  return n === "" ? "." : n;
}

// git gets a clean environment: none of Meridian's (its master key, database URL) leaks into git or ssh, no user
// or system config applies, and nothing ever prompts.
const gitEnv = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  HOME: "/nonexistent",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_ASKPASS: "/bin/false",
  GIT_SSH_COMMAND: "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new",
};
const git = (args: string[], cwd?: string) => run("git", ["-c", "protocol.ext.allow=never", ...args], { cwd, env: gitEnv, maxBuffer: 16 * 1024 * 1024 });

export async function checkoutSource(url: string, ref: string, opts: { allowLocal: boolean; log: (t: string) => void }): Promise<Checkout> {
  validateGitUrl(url, opts.allowLocal);
  if (ref.startsWith("-")) throw new AppError("invalid_input", "a git ref cannot start with '-'");
  const dir = await mkdtemp(join(tmpdir(), "meridian-build-"));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    opts.log(`$ git clone ${url} (ref ${ref})\n`);
    if (/^[0-9a-f]{7,40}$/.test(ref)) {
      await git(["clone", "--quiet", "--no-tags", "--", url, dir]);
      await git(["checkout", "--quiet", "--detach", ref], dir);
    } else {
      await git(["clone", "--quiet", "--depth", "1", "--no-tags", "--branch", ref, "--", url, dir]);
    }
    const commit = (await git(["rev-parse", "HEAD"], dir)).stdout.trim();
    const subject = (await git(["log", "-1", "--format=%s"], dir)).stdout.trim();
    opts.log(`checked out ${commit.slice(0, 12)} ${subject}\n`);
    return { dir, commit, cleanup };
  } catch (err) {
    await cleanup();
    if (err instanceof AppError) throw err;
    const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim();
    throw new AppError("invalid_input", `git could not check out ${ref} from ${url}: ${stderr.split("\n").slice(-2).join(" ")}`);
  }
}

/** The build context as a tar stream (the checkout's `context` dir, without .git). */
export async function tarContext(dir: string, context: string): Promise<Readable> {
  const sub = join(dir, safeSubpath(context, "the build context"));
  const s = await stat(sub).catch(() => null);
  if (!s?.isDirectory()) throw new AppError("invalid_input", `the build context ${context} is not a directory in the repository`);
  const tar = spawn("tar", ["-c", "-C", sub, "--exclude=.git", "."], { stdio: ["ignore", "pipe", "ignore"] });
  return tar.stdout;
}
