import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { promisify } from "node:util";
import type { InventoryItem, InventorySink } from "@meridian/core";

const execFileAsync = promisify(execFile);

/** The docker CLI against the testbed engine, as an independent view of the world (argv, never a shell). */
export async function runDocker(dockerHost: string, args: string[], input?: string): Promise<string> {
  const child = execFileAsync("docker", args, { env: { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CLI_HINTS: "false" }, maxBuffer: 16 * 1024 * 1024 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  const { stdout } = await child;
  return stdout.trim();
}

/** Removes whatever exists of the named objects; missing ones are fine. */
export async function removeDockerObjects(dockerHost: string, objects: { kind: "service" | "network" | "config" | "secret" | "volume"; name: string }[]): Promise<void> {
  for (const { kind, name } of objects) {
    await runDocker(dockerHost, [kind, "rm", name]).catch(() => undefined);
  }
}

export function createTestName(prefix: string): string {
  return `mrdn-t-${prefix}-${randomBytes(3).toString("hex")}`;
}

export async function waitFor<T>(description: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}${lastError ? `: ${String(lastError)}` : ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function getFreePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A sink that keeps the inventory as the server would, plus every call for assertions. */
export function createRecordingSink() {
  const items = new Map<string, InventoryItem>();
  const states: { kind: string; phase: string; message?: string }[] = [];
  const calls = { replace: 0, upsert: [] as string[], remove: [] as string[] };
  const sink: InventorySink = {
    replace(kind, _group, list) {
      calls.replace++;
      for (const [key, item] of items) if (item.kind === kind) items.delete(key);
      for (const item of list) items.set(item.key, item);
    },
    upsert(item) {
      calls.upsert.push(item.key);
      items.set(item.key, item);
    },
    remove(key) {
      calls.remove.push(key);
      items.delete(key);
    },
    state(kind, _group, state) {
      states.push({ kind, ...state });
    },
  };
  const ofKind = (kind: string) => [...items.values()].filter((i) => i.kind === kind);
  return { sink, items, states, calls, ofKind };
}

/** The absolute path of a program on PATH (plus the sbin folders root has), or undefined. */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/sbin", "/usr/local/sbin"].filter(Boolean);
  return dirs.map((dir) => `${dir}/${name}`).find((path) => existsSync(path));
}
