import { runCommand } from "../lib/run.js";

function withNetns(netns: string | undefined, argv: string[]): string[] {
  return netns === undefined ? argv : ["ip", "netns", "exec", netns, ...argv];
}

async function hasLink(name: string, netns?: string): Promise<boolean> {
  try {
    await runCommand(withNetns(netns, ["ip", "link", "show", name]));
    return true;
  } catch {
    return false;
  }
}

/** Creates a Linux bridge with an address (host or inside netns) unless it exists. */
export async function ensureBridge(name: string, cidr: string, netns?: string): Promise<void> {
  if (await hasLink(name, netns)) return;
  await runCommand(withNetns(netns, ["ip", "link", "add", name, "type", "bridge"]));
  await runCommand(withNetns(netns, ["ip", "addr", "add", cidr, "dev", name]));
  await runCommand(withNetns(netns, ["ip", "link", "set", name, "up"]));
}

export async function deleteLink(name: string): Promise<void> {
  if (await hasLink(name)) await runCommand(["ip", "link", "del", name]);
}

async function hasNetns(name: string): Promise<boolean> {
  const { stdout } = await runCommand(["ip", "netns", "list"]);
  return stdout.split("\n").some((line) => line.split(" ")[0] === name);
}

/**
 * A worker "machine": its own network namespace with eth0 = ip/24 on the host's node bridge (veth pair),
 * loopback up and a default route via the host.
 */
export async function ensureWorkerNetns(options: {
  netns: string;
  hostVeth: string;
  ip: string;
  gateway: string;
  bridge: string;
}): Promise<void> {
  const { netns, hostVeth, ip, gateway, bridge } = options;
  if (!(await hasNetns(netns))) await runCommand(["ip", "netns", "add", netns]);
  if (!(await hasLink(hostVeth))) {
    const peer = `${hostVeth}p`;
    await runCommand(["ip", "link", "add", hostVeth, "type", "veth", "peer", "name", peer]);
    await runCommand(["ip", "link", "set", peer, "netns", netns]);
    await runCommand(["ip", "netns", "exec", netns, "ip", "link", "set", peer, "name", "eth0"]);
    await runCommand(["ip", "netns", "exec", netns, "ip", "addr", "add", `${ip}/24`, "dev", "eth0"]);
    await runCommand(["ip", "netns", "exec", netns, "ip", "link", "set", "eth0", "up"]);
    await runCommand(["ip", "netns", "exec", netns, "ip", "link", "set", "lo", "up"]);
    await runCommand(["ip", "netns", "exec", netns, "ip", "route", "add", "default", "via", gateway]);
  }
  // Also when the veth already exists: re-attach it if the bridge was recreated.
  await runCommand(["ip", "link", "set", hostVeth, "master", bridge]);
  await runCommand(["ip", "link", "set", hostVeth, "up"]);
}

export async function deleteNetns(netns: string, hostVeth: string): Promise<void> {
  await deleteLink(hostVeth);
  if (await hasNetns(netns)) await runCommand(["ip", "netns", "del", netns]);
}
