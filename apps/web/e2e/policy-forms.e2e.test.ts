import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { ensureK8sTestbed, type K8sTestbed } from "@meridian/testing/testbed";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, logIn, newPage, shoot } from "./helpers";
import { type BuiltWebApp, buildWebApp } from "./web-app";

const run = promisify(execFile);

// Namespaces, quotas and network policies from the "Create policy object" dialog, in a real browser against
// the real server and the Kubernetes testbed; every outcome is read back with kubectl.
describe("web UI: policy objects from forms", () => {
  let server: TestServer;
  let web: BuiltWebApp;
  let browser: Browser;
  let page: Page;
  let admin: Session;
  let k8s: K8sTestbed;
  let org = "";
  const ns = `e2e-policy-${Date.now().toString(36)}`;
  const kubectl = (...args: string[]) => run(k8s.kubectl, ["--kubeconfig", k8s.kubeconfigPath, ...args]).then((r) => r.stdout.trim());
  const exists = (...args: string[]) => kubectl("get", ...args, "-o", "name").then(
    () => true,
    () => false,
  );
  const dialog = () => page.getByRole("dialog", { name: "Create policy object" });
  const kindTab = (d: Locator, kind: string) => d.getByRole("tablist", { name: "Kind" }).getByRole("tab", { name: kind, exact: true });

  beforeAll(async () => {
    [web, k8s] = await Promise.all([buildWebApp(), ensureK8sTestbed()]);
    server = await startTestServer({ env: { MERIDIAN_WEB_DIR: web.dir } });
    admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
    org = (await admin.client.call("getMe")).organizations[0]?.slug ?? "";
    // Connected through the API: connecting from the UI is clusters.e2e's subject.
    const kubeconfig = await readFile(k8s.kubeconfigPath, "utf8");
    await admin.client.call("createCluster", { params: { orgId: org }, body: { slug: "testbed", name: "Testbed", connection: { kind: "kubernetes", kubeconfig } } });
    browser = await launchBrowser();
    page = await newPage(browser, "admin", { width: 1360, height: 900 });
    page.on("console", (m) => m.type() === "error" && console.error("console:", m.text()));
    await logIn(page, server.baseUrl, "admin", server.adminPassword);
  });

  afterAll(async () => {
    await kubectl("delete", "namespace", ns, "--wait=false").catch(() => undefined);
    await browser?.close();
    await server?.stop();
    await web?.remove();
  });

  it("creates a labelled namespace from the command palette: Enter reviews, Enter again creates", async () => {
    await page.keyboard.press("Control+k");
    await page.keyboard.type("create policy");
    await page.keyboard.press("Enter");
    const d = dialog();
    await d.waitFor();
    expect(await kindTab(d, "Namespace").getAttribute("aria-selected")).toBe("true");
    // The caret starts in the name field.
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.placeholder)).toBe("team-shop");
    await page.keyboard.type(ns);
    await d.getByRole("button", { name: "+ Add label" }).click();
    await d.getByLabel("Labels key 1").fill("team");
    await d.getByLabel("Labels value 1").fill("e2e");
    const yaml = d.getByTestId("policy-yaml");
    await expect.poll(() => yaml.textContent()).toContain(`name: ${ns}`);
    expect(await yaml.textContent()).toContain("team: e2e");

    await page.keyboard.press("Enter");
    const review = d.getByTestId("policy-review");
    await review.locator(`[data-object="Namespace/${ns}"]`).getByText("would be created").waitFor();
    expect(await exists("namespace", ns)).toBe(false);
    await page.keyboard.press("Enter");
    await d.waitFor({ state: "detached" });
    await page.getByRole("status").filter({ hasText: `Created Namespace ${ns} on Testbed` }).waitFor();
    expect(await kubectl("get", "namespace", ns, "-o", "jsonpath={.metadata.labels.team}")).toBe("e2e");
  });

  it("creates a ResourceQuota from the cluster page after a dry run that shows its hard limits", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/clusters/testbed`);
    await page.getByRole("button", { name: "Create policy object" }).click();
    const d = dialog();
    await kindTab(d, "ResourceQuota").click();
    // The namespace list comes from the live inventory, which has seen the new namespace by now.
    await expect.poll(() => d.locator(`datalist option[value="${ns}"]`).count(), { timeout: 30_000 }).toBe(1);
    await d.getByLabel("Name", { exact: true }).fill("team-quota");
    await d.getByLabel("Namespace").fill(ns);
    await d.getByLabel("Requests CPU").fill("2");
    await d.getByLabel("Requests memory").fill("4Gi");
    await d.getByLabel("Limits memory").fill("8Gi");
    await d.getByLabel("Pods").fill("10");
    await d.getByRole("button", { name: "Review", exact: true }).click();
    const result = d.locator('.apply-result[data-object="ResourceQuota/team-quota"]');
    await result.getByText("would be created").waitFor();
    const added = await result.locator(".diff-add").allTextContents();
    for (const line of ['requests.cpu: "2"', "requests.memory: 4Gi", "limits.memory: 8Gi", 'pods: "10"']) expect(added.some((l) => l.includes(line))).toBe(true);
    expect(await exists("resourcequota", "team-quota", "-n", ns)).toBe(false);
    await shoot(page, "policy-quota");

    await d.getByRole("button", { name: "Create", exact: true }).click();
    await d.waitFor({ state: "detached" });
    const hard = JSON.parse(await kubectl("get", "resourcequota", "team-quota", "-n", ns, "-o", "jsonpath={.spec.hard}")) as Record<string, string>;
    expect(hard).toEqual({ "requests.cpu": "2", "requests.memory": "4Gi", "limits.memory": "8Gi", pods: "10" });
  });

  it("shows a bad quantity at its field and creates nothing; a server error keeps the input", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/clusters/testbed`);
    await page.getByRole("button", { name: "Create policy object" }).click();
    const d = dialog();
    await kindTab(d, "ResourceQuota").click();
    await d.getByLabel("Name", { exact: true }).fill("bad-quota");
    await d.getByLabel("Namespace").fill(ns);
    const cpu = d.getByLabel("Requests CPU");
    await cpu.fill("lots");
    // Validated while typing: the message sits under the field, and there is no YAML to send.
    await d.getByText("A quantity such as 500m, 2, 512Mi or 4Gi").waitFor();
    expect(await cpu.getAttribute("aria-invalid")).toBe("true");
    expect(await d.getByTestId("policy-yaml").textContent()).toContain("1 field to fill in or fix");
    await d.getByRole("button", { name: "Create", exact: true }).click();
    await page.waitForTimeout(500);
    expect(await d.isVisible()).toBe(true);
    expect(await exists("resourcequota", "bad-quota", "-n", ns)).toBe(false);

    // Valid input the cluster refuses (no such namespace): the server's message inline, nothing typed lost.
    await cpu.fill("500m");
    await d.getByLabel("Namespace").fill(`${ns}-missing`);
    await d.getByRole("button", { name: "Review", exact: true }).click();
    await expect.poll(() => d.getByTestId("policy-error").textContent(), { timeout: 30_000 }).toMatch(/not found/i);
    expect(await d.getByLabel("Name", { exact: true }).inputValue()).toBe("bad-quota");
    expect(await cpu.inputValue()).toBe("500m");
    await page.keyboard.press("Escape");
    await d.waitFor({ state: "detached" });
    expect(await exists("resourcequota", "bad-quota", "-n", `${ns}-missing`)).toBe(false);
  });

  it("creates a NetworkPolicy from the resources page, explaining what it allows", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/resources?kind=Pod&cluster=testbed&namespace=${ns}`);
    await page.getByRole("button", { name: "Create policy object" }).click();
    const d = dialog();
    await kindTab(d, "NetworkPolicy").click();
    // Opened while browsing the namespace: it is filled in.
    expect(await d.getByLabel("Namespace").inputValue()).toBe(ns);
    await d.getByLabel("Name", { exact: true }).fill("api-from-web");
    const summary = d.getByTestId("ingress-summary");
    expect(await summary.textContent()).toContain("Every pod in the namespace: all ingress denied");
    const podSelector = d.locator('[data-rows="podSelector"]');
    await podSelector.getByRole("button", { name: "+ Add label" }).click();
    await d.getByLabel("Pod selector key 1").fill("app");
    await d.getByLabel("Pod selector value 1").fill("api");
    await d.locator('[data-rows="allowFromPods"]').getByRole("button", { name: "+ Add selector" }).click();
    await d.getByLabel("Allow from pods selector 1").fill("app=web");
    await d.locator('[data-rows="ports"]').getByRole("button", { name: "+ Add port" }).click();
    await d.getByLabel("Port 1 number").fill("8080");
    expect(await summary.textContent()).toBe("Pods labelled app=api: ingress only from pods labelled app=web in this namespace, on 8080/TCP. Everything else is denied.");
    await d.getByTestId("policy-yaml").getByText("matchLabels").first().waitFor();
    await shoot(page, "policy-netpol");
    await d.getByRole("button", { name: "Create", exact: true }).click();
    await d.waitFor({ state: "detached" });
    const spec = JSON.parse(await kubectl("get", "networkpolicy", "api-from-web", "-n", ns, "-o", "jsonpath={.spec}")) as {
      podSelector: unknown;
      policyTypes: string[];
      ingress: { from: unknown[]; ports: unknown[] }[];
    };
    expect(spec.podSelector).toEqual({ matchLabels: { app: "api" } });
    expect(spec.policyTypes).toEqual(["Ingress"]);
    expect(spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: "web" } } }], ports: [{ port: 8080, protocol: "TCP" }] }]);
  });
});
