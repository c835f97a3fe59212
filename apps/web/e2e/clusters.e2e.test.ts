import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { ensureK8sTestbed, ensureSwarmTestbed, type K8sTestbed, type SwarmTestbed } from "@meridian/testing/testbed";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirm, launchBrowser, logIn, newPage, shoot } from "./helpers";
import { type BuiltWebApp, buildWebApp } from "./web-app";

const run = promisify(execFile);

const twoContexts = `apiVersion: v1
kind: Config
current-context: eks-sso
clusters:
  - name: lab
    cluster: { server: "https://lab.example.invalid:6443" }
users:
  - name: ci
    user: { token: not-a-real-token }
  - name: sso
    user:
      exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token] }
contexts:
  - name: lab
    context: { cluster: lab, user: ci }
  - name: eks-sso
    context: { cluster: lab, user: sso }
`;

// Clusters in a real browser against the real server and the testbeds: connect Kubernetes through the dialog,
// watch it become ready, browse pods live, edit a Deployment's YAML with a reviewed diff, read Swarm logs.
describe("web UI: clusters", () => {
  let server: TestServer;
  let web: BuiltWebApp;
  let browser: Browser;
  let page: Page;
  let admin: Session;
  let k8s: K8sTestbed;
  let swarm: SwarmTestbed;
  let org = "";
  const suffix = Date.now().toString(36);
  const ns = `e2e-web-${suffix}`;
  const service = `e2e-logs-${suffix}`;
  const kubectl = (...args: string[]) => run(k8s.kubectl, ["--kubeconfig", k8s.kubeconfigPath, ...args]).then((r) => r.stdout.trim());
  const docker = (...args: string[]) => run("docker", args, { env: { ...process.env, DOCKER_HOST: swarm.dockerHost } }).then((r) => r.stdout.trim());
  const podRows = () => page.locator(".inventory-table .vrow").count();

  beforeAll(async () => {
    [web, k8s, swarm] = await Promise.all([buildWebApp(), ensureK8sTestbed(), ensureSwarmTestbed()]);
    server = await startTestServer({ env: { MERIDIAN_WEB_DIR: web.dir } });
    admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
    org = (await admin.client.call("getMe")).organizations[0]?.slug ?? "";
    await kubectl("create", "namespace", ns);
    await kubectl("-n", ns, "create", "deployment", "web", "--image=registry.example/web:1", "--replicas=2");
    browser = await launchBrowser();
    page = await newPage(browser, "admin", { width: 1360, height: 900 });
    page.on("console", (m) => m.type() === "error" && console.error("console:", m.text()));
    await logIn(page, server.baseUrl, "admin", server.adminPassword);
  });

  afterAll(async () => {
    await kubectl("delete", "namespace", ns, "--wait=false").catch(() => undefined);
    await docker("service", "rm", service).catch(() => undefined);
    await browser?.close();
    await server?.stop();
    await web?.remove();
  });

  it("shows what to do before any cluster is connected", async () => {
    await page.getByRole("link", { name: "Clusters" }).click();
    await page.getByRole("heading", { name: "No clusters yet — connect one" }).waitFor();
    expect(await page.locator(".command-line").textContent()).toContain("meridian clusters add");
    await page.getByRole("link", { name: "Resources" }).click();
    await page.getByRole("heading", { name: "No clusters yet — connect one" }).waitFor();
  });

  it("keeps the input and shows the server's message when connecting fails", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/clusters`);
    await page.getByRole("button", { name: "Connect cluster" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Connect cluster" });
    await dialog.getByRole("tab", { name: "Kubernetes API" }).click();
    await dialog.getByLabel("API server URL").fill("https://127.0.0.1:9");
    await dialog.getByLabel("Token", { exact: true }).fill("not-a-token");
    await dialog.getByLabel("Name").fill("Nowhere");
    await dialog.getByRole("button", { name: "Verify and connect" }).click();
    await dialog.locator(".alert-error").waitFor({ timeout: 60_000 });
    expect((await dialog.locator(".alert-error").textContent())?.length).toBeGreaterThan(10);
    expect(await dialog.getByLabel("API server URL").inputValue()).toBe("https://127.0.0.1:9");
    expect(await dialog.getByLabel("Slug").inputValue()).toBe("nowhere");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
  });

  it("connects the Kubernetes testbed by pasting a kubeconfig and picking its context", async () => {
    await page.keyboard.press("c");
    await page.keyboard.press("c");
    const dialog = page.getByRole("dialog", { name: "Connect cluster" });
    // A context that needs an exec plugin cannot work on the server: it is listed, disabled, with the reason.
    await dialog.getByLabel("Kubeconfig").fill(twoContexts);
    const sso = dialog.locator('[data-context="eks-sso"]');
    await sso.getByText("Cannot be used").waitFor();
    expect(await sso.getByRole("radio").isDisabled()).toBe(true);
    expect(await dialog.locator('[data-context="lab"]').getByRole("radio").isChecked()).toBe(true);
    await dialog.getByLabel("Kubeconfig").fill(await readFile(k8s.kubeconfigPath, "utf8"));
    const option = dialog.locator('[data-context="meridian-testbed"]');
    await option.waitFor();
    expect(await option.getByRole("radio").isChecked()).toBe(true);
    expect(await option.textContent()).toContain(k8s.server);
    await dialog.getByLabel("Name").fill("Testbed");
    await shoot(page, "connect");
    await dialog.getByRole("button", { name: "Verify and connect" }).click();
    await page.waitForURL(/\/clusters\/testbed$/, { timeout: 60_000 });
    await page.getByRole("heading", { name: "Testbed" }).waitFor();

    // The overview turns ready with its nodes counted, without a reload.
    await page.getByRole("link", { name: "Clusters", exact: true }).first().click();
    const card = page.locator('[data-cluster="testbed"]');
    await card.and(page.locator('[data-state="ready"]')).waitFor({ timeout: 60_000 });
    await expect.poll(async () => card.getByTestId("nodes").textContent(), { timeout: 60_000 }).toMatch(/^([1-9]\d*)\/\1$/);
  });

  it("draws the node map and opens a node's commands", async () => {
    await page.locator('[data-cluster="testbed"]').getByRole("link", { name: "Testbed" }).click();
    await page.waitForURL(/\/clusters\/testbed$/);
    const tiles = page.locator(".node-grid .node-tile");
    // The full CI run reaches this after the apps suites have loaded the shared testbed: allow it a minute.
    await tiles.first().waitFor({ timeout: 60_000 });
    // Other suites may add nodes to the shared testbed meanwhile: compare the map with its own count.
    const count = await tiles.count();
    expect(count).toBeGreaterThan(0);
    expect(await page.getByTestId("node-counts").textContent()).toContain(`${count} node`);
    await page.getByRole("row").filter({ hasText: "Ready" }).first().waitFor();

    // Cordon one node from its tile; the tile turns cordoned live. Uncordoned again at once: the testbed is shared.
    const last = tiles.last();
    const node = (await last.getAttribute("data-node")) ?? "";
    await last.click();
    const details = page.getByTestId("node-details");
    await details.getByRole("button", { name: "Drain" }).waitFor();
    try {
      await details.getByRole("button", { name: "Cordon" }).click();
      await expect.poll(() => kubectl("get", "node", node, "-o", "jsonpath={.spec.unschedulable}")).toBe("true");
      await page.locator(`.node-tile[data-node="${node}"][aria-label*="cordoned"]`).waitFor({ timeout: 30_000 });
      await shoot(page, "detail");
      await details.getByRole("button", { name: "Uncordon" }).click();
      await expect.poll(() => kubectl("get", "node", node, "-o", "jsonpath={.spec.unschedulable}")).toBe("");
    } finally {
      await kubectl("uncordon", node).catch(() => undefined);
    }
  });

  it("relabels the cluster and binds a project environment to a namespace", async () => {
    await admin.client.call("createProject", { params: { orgId: org }, body: { slug: "shop", name: "Shop" } });
    await page.goto(`${server.baseUrl}/orgs/${org}/clusters/testbed`);
    await page.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByRole("dialog", { name: "Edit Testbed" });
    await edit.getByLabel("Labels").fill("env=lab, team=platform");
    await edit.getByRole("button", { name: "Save" }).click();
    await edit.waitFor({ state: "detached" });
    await page.locator(".facts .badge", { hasText: "team=platform" }).waitFor();
    expect((await admin.client.call("getCluster", { params: { orgId: org, clusterId: "testbed" } })).labels).toEqual({ env: "lab", team: "platform" });

    await page.getByRole("button", { name: "Bind environment" }).first().click();
    const bind = page.getByRole("dialog", { name: "Bind an environment to Testbed" });
    await bind.getByLabel("Project").selectOption({ label: "Shop" });
    await bind.getByLabel("Environment").selectOption({ label: "Staging" });
    expect(await bind.getByLabel("Namespace").inputValue()).toBe("shop-staging");
    await bind.getByRole("button", { name: "Bind" }).click();
    await bind.waitFor({ state: "detached" });
    const row = page.locator('[data-target="shop-staging"]');
    await row.getByText("Shop / Staging").waitFor();
    await row.getByRole("button", { name: "Remove" }).click();
    await confirm(page);
    await row.waitFor({ state: "detached" });
    expect((await admin.client.call("getCluster", { params: { orgId: org, clusterId: "testbed" } })).targets).toEqual([]);
  });

  it("lists pods in the browser and shows new ones live", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/resources?kind=Pod&namespace=${ns}`);
    await expect.poll(podRows, { timeout: 60_000 }).toBe(2);
    await page.getByTestId("live-status").getByText("Live").waitFor();
    expect(await page.getByTestId("row-count").textContent()).toContain("2 of 2 pods");
    await kubectl("-n", ns, "scale", "deployment", "web", "--replicas=4");
    await expect.poll(podRows, { timeout: 60_000 }).toBe(4);
    expect(await page.getByTestId("row-count").textContent()).toContain("4 of 4 pods");
    // Text search narrows the rows (debounced into the URL).
    const first = await page.locator(".inventory-table .vrow").first().getAttribute("data-name");
    await page.getByLabel("Search").fill(first ?? "");
    await expect.poll(podRows).toBe(1);
    await page.waitForURL(/q=/);
    await page.getByLabel("Search").fill("");
    await expect.poll(podRows).toBe(4);
    await shoot(page, "browser");
  });

  it("edits a Deployment's YAML, reviews the diff and applies it", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/resources?kind=Deployment&namespace=${ns}`);
    await page.locator('.vrow[data-name="web"]').click();
    await page.waitForURL(/\/clusters\/[^/]+\/resource\?/);
    await page.getByRole("heading", { name: "Labels" }).waitFor();
    await shoot(page, "resource");
    await page.getByRole("tab", { name: "YAML" }).click();
    await page.getByTestId("yaml-view").waitFor();
    await page.getByRole("button", { name: "Edit" }).click();
    const editor = page.getByLabel("YAML");
    const yaml = await editor.inputValue();
    expect(yaml).toMatch(/^ {2}replicas: 4$/m);
    await editor.fill(yaml.replace(/^ {2}replicas: 4$/m, "  replicas: 1"));
    await page.getByRole("button", { name: "Review changes" }).click();
    const results = page.getByTestId("apply-results");
    await results.locator(".diff-remove", { hasText: "replicas: 4" }).waitFor();
    await results.locator(".diff-add", { hasText: "replicas: 1" }).waitFor();
    expect(await results.locator('[data-action="configured"]').count()).toBe(1);
    expect(await kubectl("-n", ns, "get", "deployment", "web", "-o", "jsonpath={.spec.replicas}")).toBe("4");
    // Show the edited line, not the end of the file where the fill left the caret.
    await editor.evaluate((el) => {
      const t = el as HTMLTextAreaElement;
      const line = t.value.slice(0, t.value.indexOf("replicas: 1")).split("\n").length;
      t.setSelectionRange(0, 0);
      t.scrollTop = Math.max(0, (line - 8) * 18);
    });
    await shoot(page, "yaml-diff");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByTestId("yaml-view").waitFor();
    await expect.poll(() => kubectl("-n", ns, "get", "deployment", "web", "-o", "jsonpath={.spec.replicas}")).toBe("1");
  });

  it("scales a Deployment from its row menu", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/resources?kind=Deployment&namespace=${ns}`);
    await page.getByRole("button", { name: "Actions for web" }).click();
    await page.getByRole("menuitem", { name: "Scale" }).click();
    const dialog = page.getByRole("dialog", { name: "Scale web" });
    expect(await dialog.getByLabel("Replicas").inputValue()).toBe("1");
    await dialog.getByLabel("Replicas").fill("2");
    await dialog.getByRole("button", { name: "Scale" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => kubectl("-n", ns, "get", "deployment", "web", "-o", "jsonpath={.spec.replicas}")).toBe("2");
    // The row follows through the stream.
    await page.locator('.vrow[data-name="web"]', { hasText: "/2" }).waitFor({ timeout: 30_000 });
    // The menu lives in a portal: choosing from it must not also open the row.
    expect(new URL(page.url()).pathname).toBe(`/orgs/${org}/resources`);
  });

  it("applies pasted manifests after a reviewed dry run", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/apply?cluster=testbed`);
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${ns}\ndata:\n  mode: fast\n`;
    await page.getByLabel("Manifests").fill(manifest);
    await page.getByRole("button", { name: "Review" }).click();
    const result = page.locator('.apply-result[data-object="ConfigMap/settings"]');
    await result.getByText("would be created").waitFor();
    await expect(kubectl("-n", ns, "get", "configmap", "settings")).rejects.toThrow();
    await page.getByRole("button", { name: "Apply to Testbed" }).click();
    await page.getByRole("heading", { name: "Applied" }).waitFor();
    expect(await result.getAttribute("data-action")).toBe("created");
    expect(await kubectl("-n", ns, "get", "configmap", "settings", "-o", "jsonpath={.data.mode}")).toBe("fast");
  });

  it("streams a Swarm service's logs and filters them", async () => {
    await admin.client.call("createCluster", { params: { orgId: org }, body: { slug: "swarm", name: "Swarm", connection: { kind: "swarm", host: swarm.dockerHost } } });
    const script = 'for i in 1 2 3 4 5 6; do echo "alpha line $i"; echo "beta line $i"; done; sleep 3600';
    await docker("service", "create", "--detach", "--name", service, "--constraint", "node.role==manager", "--restart-condition", "none", swarm.images.busybox, "sh", "-c", script);
    await page.goto(`${server.baseUrl}/orgs/${org}/clusters/swarm/logs?kind=SwarmService&name=${service}`);
    const lines = page.getByTestId("log-lines");
    await lines.getByText("beta line 6").waitFor({ timeout: 90_000 });
    expect(await lines.locator(".log-line").count()).toBe(12);
    await page.getByLabel("Filter log lines").fill("alpha");
    await expect.poll(() => lines.locator(".log-line").count()).toBe(6);
    expect(await lines.locator("mark").first().textContent()).toBe("alpha");
    expect(await page.getByTestId("log-status").textContent()).toContain("6 of 12 lines");
    await shoot(page, "logs");
  });

  it("lists Kubernetes and Swarm clusters together on the overview", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/clusters`);
    await page.locator('[data-cluster="swarm"][data-state="ready"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-cluster="testbed"]').waitFor();
    expect(await page.getByTestId("cluster-counts").textContent()).toContain("2 clusters");
    await shoot(page, "overview");
  });
});
