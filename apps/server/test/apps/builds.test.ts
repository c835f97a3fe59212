import { createHmac } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Build, Release } from "@meridian/core";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { ensureK8sTestbed, ensureSwarmTestbed, type K8sTestbed, type SwarmTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, waitFor } from "../clusters/helpers.js";

/**
 * Builds from git: a local bare repository, the Swarm testbed's Docker engine builds, its registry stores, and the
 * image is deployed by digest (to the Kubernetes testbed here; Swarm deploys of built images are in the Swarm tests).
 */
const run = promisify(execFile);
let server: TestServer;
let admin: Session;
let tb: K8sTestbed;
let sw: SwarmTestbed;
let work: string;
let bare: string;
const ns = `builds-${Date.now().toString(36)}`;
const org = { orgId: "default" };
let projectId: string;
let envId: string;
const git = (cwd: string, ...args: string[]) => run("git", args, { cwd, env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.test", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.test" } }).then((r) => r.stdout.trim());
const appParams = { get v() { return { ...org, projectId, app: "site" }; } };

async function commit(files: Record<string, string>, message: string): Promise<string> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(work, name), text);
  await git(work, "add", "-A");
  await git(work, "commit", "-q", "-m", message);
  await git(work, "push", "-q", "origin", "main");
  return git(work, "rev-parse", "HEAD");
}
const settleBuild = (number: number) =>
  waitFor(`build ${number}`, async () => {
    const b = await admin.client.call("getBuild", { params: { ...appParams.v, number } });
    return b.state === "succeeded" || b.state === "failed" ? b : null;
  }, 180_000);
const settleRelease = (number: number) =>
  waitFor(`release ${number}`, async () => {
    const r = await admin.client.call("getRelease", { params: { ...appParams.v, number }, query: { environmentId: envId } });
    return ["succeeded", "failed", "rolled_back", "aborted"].includes(r.state) ? r : null;
  }, 120_000);

beforeAll(async () => {
  [tb, sw] = await Promise.all([ensureK8sTestbed(), ensureSwarmTestbed()]);
  const root = await mkdtemp(join(tmpdir(), "meridian-git-"));
  bare = join(root, "site.git");
  work = join(root, "work");
  await run("git", ["init", "-q", "--bare", "-b", "main", bare]);
  await run("git", ["clone", "-q", bare, work]);
  await git(work, "checkout", "-q", "-b", "main");
  await commit({ Dockerfile: `FROM ${sw.images.busybox}\nCOPY index.html /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`, "index.html": "version one\n" }, "first");
  server = await startTestServer({ env: { MERIDIAN_BUILD_REGISTRY: sw.registry, MERIDIAN_BUILD_DOCKER_HOST: sw.dockerHost, MERIDIAN_ALLOW_LOCAL_GIT: "true" } });
  admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
  await run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, "create", "namespace", ns]);
  await admin.client.call("createCluster", { params: org, body: { slug: "kube", connection: { kind: "kubernetes", kubeconfig: await readFile(tb.kubeconfigPath, "utf8") } } });
  await waitFor("cluster ready", async () => (await admin.client.call("getCluster", { params: { ...org, clusterId: "kube" } })).state === "ready");
  const p = await admin.client.call("createProject", { params: org, body: { slug: "web", name: "Web", environments: ["dev"] } });
  projectId = p.id;
  envId = (await admin.client.call("listEnvironments", { params: { ...org, projectId } })).items[0]?.id as string;
  await admin.client.call("createClusterTarget", { params: { ...org, clusterId: "kube" }, body: { projectId, environmentId: envId, namespace: ns } });
  await admin.client.call("putApp", { params: appParams.v, body: { spec: { source: { git: { url: bare, ref: "main" } }, ports: [{ name: "http", port: 8080 }], replicas: 2 } } });
}, 600_000);
afterAll(async () => {
  await run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, "delete", "namespace", ns, "--wait=false"]).catch(() => undefined);
  await server?.stop();
  await rm(join(work, ".."), { recursive: true, force: true });
});

describe("builds from git", () => {
  let first: Build;
  it("clones, builds and pushes the commit, streams the log, and deploys the image by digest", async () => {
    const res = await admin.client.call("deployApp", { params: { ...appParams.v, environmentId: envId }, body: {} });
    expect(res.release).toBeNull();
    expect(res.build).toMatchObject({ number: 1, state: "queued", ref: "main" });
    const logs = await admin.client.raw("streamBuildLogs", { params: { ...appParams.v, number: 1 }, query: { follow: "true" } });
    const text = await logs.text();
    const lines = text.trim().split("\n").map((l) => JSON.parse(l) as { line: string });
    expect(lines.some((l) => l.line.includes("checked out"))).toBe(true);
    expect(lines.some((l) => /COPY index.html/.test(l.line))).toBe(true);
    first = await settleBuild(1);
    expect(first.state).toBe("succeeded");
    expect(first.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(first.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.releases).toEqual([{ environmentId: envId, number: 1, error: null }]);
    const rel: Release = await settleRelease(1);
    expect(rel.state).toBe("succeeded");
    expect(rel.image).toBe(`${sw.registry}/web/site@${first.digest}`);
    expect(rel.createdBy).toBe("admin");
    const stored = await admin.client.raw("streamBuildLogs", { params: { ...appParams.v, number: 1 }, query: {} });
    expect((await stored.text()).split("\n").length).toBeGreaterThan(5);
  });

  it("builds and deploys on a signed push; bad signatures and other branches change nothing", async () => {
    const hook = await admin.client.call("putAppWebhook", { params: appParams.v, body: { environments: [envId] } });
    expect(hook.secret).toBeTruthy();
    expect(hook.url).toMatch(/\/api\/v1\/hooks\/apps\/[0-9a-f-]{36}$/);
    expect((await admin.client.call("getAppWebhook", { params: appParams.v })).secret).toBeNull();
    const sha = await commit({ "index.html": "version two\n" }, "second");
    const payload = JSON.stringify({ ref: "refs/heads/main", after: sha, repository: { name: "site" } });
    const post = (body: string, sig: string) => fetch(hook.url.replace(/^https?:\/\/[^/]+/, server.baseUrl), { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sig }, body });
    const sign = (b: string) => `sha256=${createHmac("sha256", hook.secret as string).update(b).digest("hex")}`;
    expect((await post(payload, "sha256=deadbeef")).status).toBe(401);
    expect((await post(payload.replace("site", "evil"), sign(payload))).status).toBe(401);
    const other = await post(JSON.stringify({ ref: "refs/heads/feature" }), sign(JSON.stringify({ ref: "refs/heads/feature" })));
    expect(((await other.json()) as { ignored: string }).ignored).toMatch(/feature/);
    const ok = await post(payload, sign(payload));
    expect(ok.status).toBe(202);
    const { build } = (await ok.json()) as { build: Build };
    expect(build).toMatchObject({ number: 2, trigger: "webhook", ref: sha });
    const done = await settleBuild(2);
    expect(done.commit).toBe(sha);
    expect(done.releases[0]?.number).toBe(2);
    expect((await settleRelease(2)).image).toContain(done.digest as string);
  });

  it("reports a failing Dockerfile step as a failed build with its message, and deploys nothing", async () => {
    await commit({ Dockerfile: `FROM ${sw.images.busybox}\nRUN echo about to fail && false\n` }, "broken");
    const res = await admin.client.call("deployApp", { params: { ...appParams.v, environmentId: envId }, body: {} });
    const b = await settleBuild(res.build?.number as number);
    expect(b.state).toBe("failed");
    expect(b.reason).toMatch(/the build failed/);
    expect(b.releases).toEqual([]);
    const releases = await admin.client.call("listReleases", { params: appParams.v, query: {} });
    expect(releases.items.length).toBe(2);
    const badRef = await admin.client.call("deployApp", { params: { ...appParams.v, environmentId: envId }, body: { ref: "no-such-branch" } });
    const failed = await settleBuild(badRef.build?.number as number);
    expect(failed.reason).toMatch(/could not check out no-such-branch/);
    const injected = await errorOf(admin.client.call("deployApp", { params: { ...appParams.v, environmentId: envId }, body: { ref: "--upload-pack=touch /tmp/x" } }));
    expect(injected?.status).toBe(400);
    expect(JSON.stringify(injected?.details)).toMatch(/not starting with '-'/);
  });
});
