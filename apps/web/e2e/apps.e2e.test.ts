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
// The Kubernetes driver for apps landed first; the real deploy runs when it is in this checkout.

// Apps in a real browser against the real server: the wizard (template and image), the list, env and secrets,
// the deploy dialog's errors, and a real deploy on the Kubernetes testbed followed in the dialog and the timeline.
describe("web UI: apps", () => {
  let server: TestServer;
  let web: BuiltWebApp;
  let browser: Browser;
  let page: Page;
  let admin: Session;
  let k8s: K8sTestbed;
  let swarm: SwarmTestbed;
  let org = "";
  let projectId = "";
  const suffix = Date.now().toString(36);
  const ns = `e2e-apps-${suffix}`;
  const kubectl = (...args: string[]) => run(k8s.kubectl, ["--kubeconfig", k8s.kubeconfigPath, ...args]).then((r) => r.stdout.trim());
  const appParams = (app: string) => ({ orgId: org, projectId, app });
  const shot = (name: string) => shoot(page, name, "apps");
  const dialog = (name: string) => page.getByRole("dialog", { name });

  beforeAll(async () => {
    [web, k8s, swarm] = await Promise.all([buildWebApp(), ensureK8sTestbed(), ensureSwarmTestbed()]);
    server = await startTestServer({ env: { MERIDIAN_WEB_DIR: web.dir } });
    admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
    org = (await admin.client.call("getMe")).organizations[0]?.slug ?? "";
    projectId = (await admin.client.call("createProject", { params: { orgId: org }, body: { slug: "shop", name: "Shop" } })).id;
    browser = await launchBrowser();
    page = await newPage(browser, "admin", { width: 1360, height: 900 });
    page.on("console", (m) => m.type() === "error" && !/Failed to load resource/.test(m.text()) && console.error("console:", m.text()));
    await logIn(page, server.baseUrl, "admin", server.adminPassword);
  });

  afterAll(async () => {
    await kubectl("delete", "namespace", ns, "--wait=false").catch(() => undefined);
    await browser?.close();
    await server?.stop();
    await web?.remove();
  });

  it("says what to do before any app exists", async () => {
    await page.getByRole("link", { name: "Apps" }).click();
    await page.getByRole("heading", { name: "No apps yet" }).waitFor();
    await page.locator(".empty-state").getByRole("button", { name: "Create app" }).waitFor();
  });

  it("creates an app from a template through the wizard", async () => {
    await page.locator(".empty-state").getByRole("button", { name: "Create app" }).click();
    const wizard = dialog("Create app");
    await wizard.locator(".source-card", { hasText: "Template" }).click();
    // Next without a template says so.
    await wizard.getByRole("button", { name: "Next" }).click();
    await wizard.getByText("Pick a template").waitFor();
    await wizard.locator('[data-template="static-site"]').click();
    expect(await wizard.getByLabel("Image", { exact: true }).inputValue()).toContain("nginx-unprivileged");
    await shot("wizard-template");
    await wizard.getByRole("button", { name: "Next" }).click();
    expect(await wizard.getByLabel("Name", { exact: true }).inputValue()).toBe("static-site");
    await wizard.getByLabel("Name", { exact: true }).fill("site");
    expect(await wizard.getByLabel("Port", { exact: true }).inputValue()).toBe("8080");
    expect(await wizard.getByLabel("Replicas", { exact: true }).inputValue()).toBe("2");
    await wizard.getByRole("button", { name: "Next" }).click();
    const yaml = await wizard.getByLabel("App document (YAML)").inputValue();
    expect(yaml).toContain("name: site");
    expect(yaml).toContain("project: shop");
    expect(yaml).toContain("readiness:");
    await shot("wizard-review");
    await wizard.getByRole("button", { name: "Create app" }).click();
    await page.waitForURL(new RegExp(`/apps/${projectId}/site$`));
    await page.getByRole("heading", { name: "site" }).waitFor();
    const app = await admin.client.call("getApp", { params: appParams("site") });
    expect(app.spec).toMatchObject({ replicas: 2, ports: [{ name: "http", port: 8080, protocol: "http" }], strategy: { type: "rolling" } });
    expect(app.spec.health.readiness?.http).toEqual({ path: "/", port: "http" });
  });

  it("creates an app from an image, with the schema's errors inline", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/apps`);
    await page.getByRole("heading", { name: "Apps", exact: true }).waitFor();
    // The command's shortcut opens the wizard.
    await page.keyboard.press("c");
    await page.keyboard.press("a");
    const wizard = dialog("Create app");
    await wizard.getByRole("button", { name: "Next" }).click();
    await wizard.getByText("Give an image reference").waitFor();
    await wizard.getByLabel("Image", { exact: true }).fill("Not An Image!");
    await wizard.getByRole("button", { name: "Next" }).click();
    await wizard.locator(".field-error", { hasText: "an image reference such as" }).waitFor();
    await wizard.getByLabel("Image", { exact: true }).fill(swarm.images.testapp.v1 as string);
    await wizard.getByRole("button", { name: "Next" }).click();
    await wizard.getByLabel("Name", { exact: true }).fill("Web App");
    await wizard.getByRole("button", { name: "Add variable" }).click();
    await wizard.getByLabel("Variable name 1").fill("GREETING");
    await wizard.getByLabel("Variable value 1").fill("hello");
    await wizard.getByRole("button", { name: "Next" }).click();
    await wizard.locator(".field-error", { hasText: "lowercase letters, digits" }).waitFor();
    await wizard.getByLabel("Name", { exact: true }).fill("web");
    await wizard.getByRole("button", { name: "Next" }).click();
    expect(await wizard.getByLabel("App document (YAML)").inputValue()).toContain("GREETING: hello");
    await wizard.getByRole("button", { name: "Create app" }).click();
    await page.waitForURL(new RegExp(`/apps/${projectId}/web$`));
    await page.getByTestId("app-source").getByText(swarm.images.testapp.v1 as string).waitFor();
    // Every environment of the project has a card; none has a cluster yet.
    for (const env of ["dev", "staging", "prod"]) await page.locator(`.app-env-card[data-env="${env}"]`).getByText("No cluster bound").waitFor();
  });

  it("lists the apps with a status chip per environment and filters them", async () => {
    await page.getByRole("link", { name: "Apps", exact: true }).first().click();
    const rows = page.locator('table[data-resource="apps"] tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const web = rows.filter({ has: page.locator('[data-app="web"]') });
    expect(await web.locator(".env-chip").count()).toBe(3);
    expect(await web.locator('.env-chip[data-env="dev"]').textContent()).toContain("no cluster");
    await page.getByLabel("Filter apps by name").fill("sit");
    await expect.poll(() => rows.count()).toBe(1);
    await page.waitForURL(/q=sit/);
    await page.getByLabel("Filter apps by name").fill("nothing-like-this");
    await page.getByRole("heading", { name: "Nothing matches" }).waitFor();
    await page.getByLabel("Filter apps by name").fill("");
    await expect.poll(() => rows.count()).toBe(2);
  });

  it("edits the plain env vars and saves them into the spec", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/apps/${projectId}/web?tab=env`);
    await page.getByRole("heading", { name: "Environment variables" }).waitFor();
    expect(await page.getByLabel("Variable name 1").inputValue()).toBe("GREETING");
    await page.getByLabel("Variable value 1").fill("hi there");
    await page.getByRole("button", { name: "Add variable" }).click();
    await page.getByLabel("Variable name 2").fill("2BAD");
    await page.getByRole("button", { name: "Save variables" }).click();
    await page.getByText("2BAD is not a variable name").waitFor();
    await page.getByLabel("Variable name 2").fill("LOG_LEVEL");
    await page.getByLabel("Variable value 2").fill("debug");
    await page.getByRole("button", { name: "Save variables" }).click();
    await page.locator(".toast", { hasText: "Saved spec version 2" }).waitFor();
    expect((await admin.client.call("getApp", { params: appParams("web") })).spec.env).toEqual({ GREETING: "hi there", LOG_LEVEL: "debug" });
  });

  it("references a secret, sets its value, and never shows the value again", async () => {
    const value = `s3cret-${suffix}`;
    await page.getByPlaceholder("DATABASE_PASSWORD").fill("API_TOKEN");
    await page.getByPlaceholder("db-password").fill("api-token");
    await page.getByRole("button", { name: "Add reference" }).click();
    const row = page.locator('tr[data-secret="api-token"]');
    await row.locator('[data-env="dev"]').getByText("missing").waitFor();
    await page.getByText("Missing secrets").waitFor();
    await row.getByRole("button", { name: "Set value" }).click();
    const set = dialog("Set api-token");
    expect(await set.getByLabel("Value", { exact: true }).getAttribute("type")).toBe("password");
    await set.getByLabel("Value", { exact: true }).fill(value);
    await set.getByRole("button", { name: "Save value" }).click();
    await page.locator(".toast", { hasText: "Saved api-token version 1 (project). The value cannot be shown again." }).waitFor();
    for (const env of ["dev", "staging", "prod"]) await row.locator(`[data-env="${env}"]`).getByText("v1").waitFor();
    await expect.poll(() => page.getByText("Missing secrets").count()).toBe(0);
    // Rotation: the dialog opens empty, the new version is listed, the value appears nowhere.
    await row.getByRole("button", { name: "Set value" }).click();
    expect(await set.getByLabel("Value", { exact: true }).inputValue()).toBe("");
    await set.getByLabel("Value", { exact: true }).fill(`${value}-2`);
    await set.getByRole("button", { name: "Save value" }).click();
    await row.locator('[data-env="dev"]').getByText("v2").waitFor();
    // The list refreshes before the dialog (which holds the typed value) closes.
    await set.waitFor({ state: "detached" });
    expect(await page.content()).not.toContain(value);
    const secrets = await admin.client.call("listProjectSecrets", { params: { orgId: org, projectId } });
    expect(secrets.items.find((s) => s.name === "api-token")).toMatchObject({ scope: "project", version: 2 });
    expect(JSON.stringify(secrets)).not.toContain(value);
    await shot("env-secrets");
  });

  it("shows the server's clear error when the environment has no cluster bound", async () => {
    await page.getByRole("tab", { name: "Environments" }).click();
    await page.locator('.app-env-card[data-env="dev"]').getByRole("button", { name: "Deploy" }).click();
    const deploy = dialog("Deploy web to Dev");
    expect(await deploy.getByTestId("deploy-confirm").isDisabled()).toBe(true);
    await deploy.getByRole("button", { name: "Preview changes" }).click();
    await deploy.locator(".alert-error", { hasText: "environment dev has no cluster to deploy to: bind a namespace or stack to it first" }).waitFor();
    expect(await deploy.getByTestId("deploy-confirm").isDisabled()).toBe(true);
    await page.keyboard.press("Escape");
    await deploy.waitFor({ state: "detached" });
  });

  it("deploys on the Kubernetes testbed: diff, live progress, timeline, promote, roll back", { timeout: 420_000 }, async () => {
    await kubectl("create", "namespace", ns);
    await admin.client.call("createCluster", { params: { orgId: org }, body: { slug: "kube", name: "Testbed", connection: { kind: "kubernetes", kubeconfig: await readFile(k8s.kubeconfigPath, "utf8") } } });
    await expect.poll(async () => (await admin.client.call("getCluster", { params: { orgId: org, clusterId: "kube" } })).state, { timeout: 60_000 }).toBe("ready");
    const staging = (await admin.client.call("listEnvironments", { params: { orgId: org, projectId } })).items.find((e) => e.slug === "staging");
    await admin.client.call("createClusterTarget", { params: { orgId: org, clusterId: "kube" }, body: { projectId, environmentId: staging?.id as string, namespace: ns } });

    await page.goto(`${server.baseUrl}/orgs/${org}/apps/${projectId}/web`);
    const card = page.locator('.app-env-card[data-env="staging"]');
    await card.getByText(ns).waitFor();
    await card.getByRole("button", { name: "Deploy" }).click();
    const deploy = dialog("Deploy web to Staging");
    await deploy.getByRole("radio", { name: /^Rolling/ }).check();
    await deploy.getByRole("button", { name: "Preview changes" }).click();
    const results = deploy.getByTestId("apply-results");
    await results.locator('[data-object^="Deployment/"][data-action="created"]').waitFor({ timeout: 60_000 });
    expect(await results.locator('[data-object^="Secret/"]').count()).toBeGreaterThan(0);
    expect(await results.locator(".diff-add").count()).toBeGreaterThan(5);
    await shot("deploy-diff");

    await deploy.getByTestId("deploy-confirm").click();
    const progress = deploy.getByTestId("deploy-progress");
    await progress.waitFor();
    await progress.locator(".step").first().waitFor();
    await page.locator('[data-testid="deploy-progress"][data-state="succeeded"]').waitFor({ timeout: 120_000 });
    await deploy.getByText("Release #1 succeeded").waitFor();
    await shot("deploy-progress");
    expect(await kubectl("-n", ns, "get", "deployment", "-l", "meridian.dev/app=web", "-o", "jsonpath={.items[*].status.readyReplicas}")).toBe("1");

    // The timeline shows release 1 serving, with its steps when expanded.
    await deploy.getByRole("button", { name: "Open history" }).click();
    await page.waitForURL(/tab=history&env=staging/);
    const first = page.locator('.timeline-item[data-release="1"]');
    await first.and(page.locator('[data-state="succeeded"]')).waitFor();
    await first.getByText("serving").waitFor();
    await first.getByRole("button", { name: "#1" }).click();
    await first.locator('.step[data-step="rollout"][data-status="done"]').waitFor();

    // A canary that waits for promote: the card shows the step, Promote finishes it.
    const canary = { type: "canary", steps: [{ weight: 50, pause: "manual" }] };
    const spec = (await admin.client.call("getApp", { params: appParams("web") })).spec;
    await admin.client.call("putApp", { params: appParams("web"), body: { spec: { ...spec, source: { image: swarm.images.testapp.v2 as string }, strategy: canary } as never } });
    await page.getByRole("tab", { name: "Environments" }).click();
    await card.getByRole("button", { name: "Deploy" }).click();
    await dialog("Deploy web to Staging").getByRole("button", { name: "Preview changes" }).click();
    await dialog("Deploy web to Staging").getByTestId("apply-results").waitFor({ timeout: 60_000 });
    await dialog("Deploy web to Staging").getByTestId("deploy-confirm").click();
    await page.locator('[data-testid="deploy-progress"][data-state="paused"]').waitFor({ timeout: 120_000 });
    await dialog("Deploy web to Staging").getByRole("button", { name: "Close (keeps running)" }).click();
    const inProgress = card.getByTestId("in-progress");
    await inProgress.getByText("Wait for promote").waitFor({ timeout: 30_000 });
    await shot("detail-paused");
    await inProgress.getByRole("button", { name: "Promote" }).click();
    await expect.poll(async () => (await admin.client.call("getRelease", { params: { ...appParams("web"), number: 2 }, query: { environmentId: staging?.id } })).state, { timeout: 120_000 }).toBe("succeeded");
    await inProgress.waitFor({ state: "detached", timeout: 30_000 });
    await card.getByTestId("current-release").getByText("#2").waitFor();
    await card.getByTestId("replicas").getByText("1/1 ready").waitFor({ timeout: 60_000 });
    await shot("detail");

    // Roll back to release 1 from the timeline.
    await page.getByRole("tab", { name: "History" }).click();
    await page.locator('.timeline-item[data-release="1"]').getByRole("button", { name: "Roll back to this" }).click();
    await confirm(page);
    const third = page.locator('.timeline-item[data-release="3"]');
    await third.getByText("rollback to #1").waitFor();
    await third.and(page.locator('[data-state="succeeded"]')).waitFor({ timeout: 120_000 });
    // #1 serves again (through #3): only #2 can be rolled back to now.
    await page.locator('.timeline-item[data-release="2"]').getByRole("button", { name: "Roll back to this" }).waitFor();
    expect(await page.locator('.timeline-item[data-release="1"]').getByRole("button", { name: "Roll back to this" }).count()).toBe(0);
    await page.locator('.timeline-item[data-release="2"]').getByRole("button", { name: "#2" }).click();
    await page.locator('.timeline-item[data-release="2"] .step[data-step="pause"][data-status="done"]').waitFor();
    await shot("timeline");

    // The list shows the release and replicas of staging.
    await page.getByRole("link", { name: "Apps", exact: true }).first().click();
    const chip = page.locator('tr:has([data-app="web"]) .env-chip[data-env="staging"]');
    await expect.poll(() => chip.textContent(), { timeout: 30_000 }).toContain("#3 · 1/1");
    expect(await chip.getAttribute("data-health")).toBe("ok");
    await shot("list");
  });

  it("opens the live logs of a deployed environment", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/apps/${projectId}/web?tab=history&env=staging`);
    await page.getByRole("tab", { name: "Logs" }).click();
    await page.waitForURL(/tab=logs/);
    expect(await page.getByLabel("Environment").inputValue()).toBe("staging");
    await page.getByTestId("log-status").waitFor();
    await expect.poll(async () => page.getByTestId("log-status").textContent(), { timeout: 30_000 }).not.toContain("Connecting");
    const status = (await page.getByTestId("log-status").textContent()) ?? "";
    // KWOK pods have no kubelet to read logs from: then the cluster's answer, naming the app's pod, is what shows.
    if (status.includes("Stream failed")) expect(await page.locator(".app-logs .alert-error").textContent()).toMatch(/logs of pod [^ ]*\/web-(blue|green)-/);
    else expect(status).toMatch(/Following|End of log/);
    await shot("logs");
    await page.getByLabel("Environment").selectOption("dev");
    await page.getByText("Not deployed in Dev").waitFor();
  });

  it("edits the spec as YAML and exports it", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/apps/${projectId}/site?tab=spec`);
    await page.getByTestId("spec-view").getByText("kind: App").waitFor();
    await page.getByRole("button", { name: "Edit" }).click();
    const editor = page.getByLabel("App document (YAML)");
    const text = await editor.inputValue();
    await editor.fill(text.replace(/replicas: 2/, "replicas: many"));
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.locator(".alert-error", { hasText: "spec.replicas" }).waitFor();
    await editor.fill(text.replace(/replicas: 2/, "replicas: 3"));
    await page.keyboard.press("Control+Enter");
    await page.locator(".toast", { hasText: "Saved spec version 2" }).waitFor();
    expect((await admin.client.call("getApp", { params: appParams("site") })).spec.replicas).toBe(3);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export YAML" }).first().click()]);
    expect(download.suggestedFilename()).toBe("site.yaml");
    expect(await readFile((await download.path()) as string, "utf8")).toContain("replicas: 3");
  });

  it("adds and removes a route as a spec edit", async () => {
    await page.getByRole("tab", { name: "Domains" }).click();
    await page.getByPlaceholder("shop.example.com").fill(`site-${suffix}.example.test`);
    await page.getByRole("button", { name: "Add route" }).click();
    const row = page.locator(`section[data-env="prod"] .domain-card[data-host="site-${suffix}.example.test"]`);
    // A route in the spec is a domain only once deployed.
    await row.getByText("Not routed yet — deploy to Prod to create it").waitFor();
    expect((await admin.client.call("getApp", { params: appParams("site") })).spec.routes).toEqual([{ host: `site-${suffix}.example.test`, path: "/" }]);
    await page.getByPlaceholder("shop.example.com").fill("Not A Host");
    await page.getByRole("button", { name: "Add route" }).click();
    await page.getByText("a DNS name such as app.example.com").waitFor();
    await shot("domains");
    await row.getByRole("button", { name: /^Remove/ }).click();
    await row.waitFor({ state: "detached" });
    expect((await admin.client.call("getApp", { params: appParams("site") })).spec.routes).toEqual([]);
  });
});
