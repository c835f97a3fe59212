import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { ensureK8sTestbed, ensureSwarmTestbed, type K8sTestbed, type SwarmTestbed } from "@meridian/testing/testbed";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirm, launchBrowser, logIn, newPage, shoot } from "./helpers";
import { type BuiltWebApp, buildWebApp } from "./web-app";

const run = promisify(execFile);

// Delivery in a real browser: domains with their ownership check and an uploaded certificate (Kubernetes
// testbed), a git app built by the Swarm testbed's Docker engine from a local bare repository with its log
// followed live and then its release, the push webhook's secret shown once, and optimistic concurrency.
describe("web UI: app delivery (domains, builds, webhook)", () => {
  let server: TestServer;
  let web: BuiltWebApp;
  let browser: Browser;
  let page: Page;
  let admin: Session;
  let k8s: K8sTestbed;
  let swarm: SwarmTestbed;
  let org = "";
  let projectId = "";
  let stagingId = "";
  let root = "";
  let bare = "";
  const suffix = Date.now().toString(36);
  const ns = `e2e-delivery-${suffix}`;
  const host = `${ns}.example.test`;
  const kubectl = (...args: string[]) => run(k8s.kubectl, ["--kubeconfig", k8s.kubeconfigPath, ...args]).then((r) => r.stdout.trim());
  const git = (cwd: string, ...args: string[]) =>
    run("git", args, { cwd, env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.test", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.test" } }).then((r) => r.stdout.trim());
  const appParams = (app: string) => ({ orgId: org, projectId, app });
  const shot = (name: string) => shoot(page, name, "apps");
  const dialog = (name: string) => page.getByRole("dialog", { name });
  const selfSigned = async (cn: string) => {
    const dir = await mkdtemp(join(root, "cert-"));
    await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", `/CN=${cn}`, "-addext", `subjectAltName=DNS:${cn}`, "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")]);
    return { certFile: join(dir, "cert.pem"), key: await readFile(join(dir, "key.pem"), "utf8") };
  };

  beforeAll(async () => {
    [web, k8s, swarm] = await Promise.all([buildWebApp(), ensureK8sTestbed(), ensureSwarmTestbed()]);
    // The repository a git app builds: a sleep in the Dockerfile keeps the build running long enough to see its log live.
    root = await mkdtemp(join(tmpdir(), "meridian-e2e-git-"));
    bare = join(root, "site.git");
    const work = join(root, "work");
    await run("git", ["init", "-q", "--bare", "-b", "main", bare]);
    await run("git", ["clone", "-q", bare, work]);
    await git(work, "checkout", "-q", "-b", "main");
    await writeFile(join(work, "Dockerfile"), `FROM ${swarm.images.busybox}\nRUN echo building-the-site-${suffix} && sleep 6\nCOPY index.html /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`);
    await writeFile(join(work, "index.html"), "hello from git\n");
    await git(work, "add", "-A");
    await git(work, "commit", "-q", "-m", "first");
    await git(work, "push", "-q", "origin", "main");
    server = await startTestServer({ env: { MERIDIAN_WEB_DIR: web.dir, MERIDIAN_BUILD_REGISTRY: swarm.registry, MERIDIAN_BUILD_DOCKER_HOST: swarm.dockerHost, MERIDIAN_ALLOW_LOCAL_GIT: "true" } });
    admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
    org = (await admin.client.call("getMe")).organizations[0]?.slug ?? "";
    projectId = (await admin.client.call("createProject", { params: { orgId: org }, body: { slug: "shop", name: "Shop" } })).id;
    stagingId = (await admin.client.call("listEnvironments", { params: { orgId: org, projectId } })).items.find((e) => e.slug === "staging")?.id as string;
    await kubectl("create", "namespace", ns);
    await admin.client.call("createCluster", { params: { orgId: org }, body: { slug: "kube", name: "Testbed", connection: { kind: "kubernetes", kubeconfig: await readFile(k8s.kubeconfigPath, "utf8") } } });
    // expect.poll works only inside a test.
    for (let i = 0; (await admin.client.call("getCluster", { params: { orgId: org, clusterId: "kube" } })).state !== "ready"; i++) {
      if (i > 120) throw new Error("the cluster did not become ready");
      await new Promise((r) => setTimeout(r, 500));
    }
    await admin.client.call("createClusterTarget", { params: { orgId: org, clusterId: "kube" }, body: { projectId, environmentId: stagingId, namespace: ns } });
    browser = await launchBrowser();
    page = await newPage(browser, "admin", { width: 1360, height: 900 });
    page.on("console", (m) => m.type() === "error" && !/Failed to load resource/.test(m.text()) && console.error("console:", m.text()));
    await logIn(page, server.baseUrl, "admin", server.adminPassword);
  }, 600_000);

  afterAll(async () => {
    await kubectl("delete", "namespace", ns, "--wait=false").catch(() => undefined);
    await browser?.close();
    await server?.stop();
    await web?.remove();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("shows a route's domain once deployed: verification instructions, Kubernetes' answer, an uploaded certificate", { timeout: 300_000 }, async () => {
    const spec = { source: { image: swarm.images.testapp.v1 as string }, ports: [{ name: "http", port: 8080, protocol: "http" }], replicas: 1, routes: [{ host, path: "/" }] };
    await admin.client.call("putApp", { params: appParams("web"), body: { spec: spec as never } });
    await page.goto(`${server.baseUrl}/orgs/${org}/apps/${projectId}/web?tab=domains`);
    const card = page.locator(`section[data-env="staging"] .domain-card[data-host="${host}"]`);
    await card.getByText("Not routed yet — deploy to Staging to create it").waitFor();

    const out = await admin.client.call("deployApp", { params: { ...appParams("web"), environmentId: stagingId }, body: {} });
    const number = out.release?.number as number;
    await expect.poll(async () => (await admin.client.call("getRelease", { params: { ...appParams("web"), number }, query: { environmentId: stagingId } })).state, { timeout: 120_000 }).toBe("succeeded");
    await page.reload();
    await card.and(page.locator('[data-verified="false"]')).waitFor({ timeout: 30_000 });
    expect(await card.getByRole("textbox", { name: `TXT record name for ${host}` }).inputValue()).toBe(`_meridian-challenge.${host}`);
    expect(await card.getByRole("textbox", { name: `TXT record value for ${host}` }).inputValue()).not.toBe("");
    await card.getByTestId("certificate-state").getByText("no certificate").waitFor();
    // Other environments still only have the route.
    await page.locator(`section[data-env="prod"] .domain-card[data-host="${host}"]`).getByText("Not routed yet").waitFor();

    await card.getByRole("button", { name: "Verify" }).click();
    await card.getByTestId("verification-error").getByText("Meridian cannot answer HTTP challenges on Kubernetes").waitFor({ timeout: 60_000 });
    await card.getByRole("button", { name: "Verify" }).waitFor();
    await card.scrollIntoViewIfNeeded();
    await shot("domains-verify");

    // A certificate for another host is refused with the server's reason; the right one is taken.
    const wrong = await selfSigned("other.example.test");
    await card.getByRole("button", { name: "Upload certificate" }).click();
    const upload = dialog(`Upload a certificate for ${host}`);
    await upload.getByRole("button", { name: "Upload certificate" }).click();
    await upload.getByText("Paste the certificate chain or choose its file").waitFor();
    await upload.locator('input[type="file"]').first().setInputFiles(wrong.certFile);
    await expect.poll(() => upload.getByLabel("Certificate chain (PEM)").inputValue()).toContain("BEGIN CERTIFICATE");
    await upload.getByLabel("Private key (PEM)").fill(wrong.key);
    await upload.getByRole("button", { name: "Upload certificate" }).click();
    await upload.locator(".alert-error", { hasText: `not ${host}` }).waitFor();
    const right = await selfSigned(host);
    await upload.locator('input[type="file"]').first().setInputFiles(right.certFile);
    await upload.getByLabel("Private key (PEM)").fill(right.key);
    await shot("domains-upload");
    await upload.getByRole("button", { name: "Upload certificate" }).click();
    await upload.waitFor({ state: "detached" });
    await card.getByTestId("certificate-state").getByText("uploaded").waitFor();
    await card.getByTestId("certificate-expiry").getByText(/in (29|30) days/).waitFor();
    await card.getByText("Not renewed: upload a new one before it expires").waitFor();
    // The key is write-only: nowhere on the page, and the dialog opens empty again.
    const keyBody = right.key.split("\n")[1] as string;
    expect(await page.content()).not.toContain(keyBody);
    await card.getByRole("button", { name: "Upload certificate" }).click();
    expect(await upload.getByLabel("Private key (PEM)").inputValue()).toBe("");
    await page.keyboard.press("Escape");
    await card.scrollIntoViewIfNeeded();
    await shot("domains-tls");
  });

  it("creates a git app in the wizard and deploys it: the build's log live, then its release", { timeout: 420_000 }, async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/apps`);
    await page.getByRole("button", { name: "Create app" }).first().click();
    const wizard = dialog("Create app");
    await wizard.locator(".source-card", { hasText: "Git repository" }).click();
    await wizard.getByText("needs a build engine configured").waitFor();
    await wizard.getByLabel("Repository URL").fill(bare);
    await wizard.getByRole("button", { name: "Next" }).click();
    await wizard.getByLabel("Name", { exact: true }).fill("site");
    await wizard.getByRole("button", { name: "Next" }).click();
    await wizard.getByRole("button", { name: "Create app" }).click();
    await page.waitForURL(new RegExp(`/apps/${projectId}/site$`));

    await page.getByRole("tab", { name: "Builds" }).click();
    await page.getByRole("heading", { name: "No builds yet" }).waitFor();
    await page.getByRole("tab", { name: "Environments" }).click();
    await page.locator('.app-env-card[data-env="staging"]').getByRole("button", { name: "Deploy" }).click();
    const deploy = dialog("Deploy site to Staging");
    expect(await deploy.getByLabel("Ref").getAttribute("placeholder")).toBe("main");
    await deploy.getByTestId("deploy-confirm").getByText("Build and deploy").waitFor();
    await shot("deploy-git");
    await deploy.getByTestId("deploy-confirm").click();
    const progress = deploy.getByTestId("build-progress");
    await progress.waitFor();
    // Live: the Dockerfile's first step is on screen while the build still runs.
    await deploy.getByTestId("log-lines").getByText("building-the-site").first().waitFor({ timeout: 120_000 });
    expect(await progress.getAttribute("data-state")).toBe("running");
    await shot("build-live");
    await page.locator('[data-testid="deploy-progress"][data-state="succeeded"]').waitFor({ timeout: 180_000 });
    expect(await progress.getAttribute("data-state")).toBe("succeeded");
    await deploy.getByText("Release #1 succeeded").waitFor();
    await deploy.getByTestId("log-lines").getByText("COPY index.html").first().waitFor();
    await shot("build-deploy");
    const release = await admin.client.call("getRelease", { params: { ...appParams("site"), number: 1 }, query: { environmentId: stagingId } });
    expect(release.image).toMatch(new RegExp(`^${swarm.registry}/shop/site@sha256:`));

    // The builds tab lists it with its commit and release; opening it shows the stored log.
    await deploy.getByRole("button", { name: "Open build" }).click();
    await page.waitForURL(/tab=builds&build=1/);
    const row = page.locator('.builds-table tr[data-build="1"]');
    await row.and(page.locator('[data-state="succeeded"]')).waitFor();
    await row.getByRole("link", { name: "#1 in Staging" }).waitFor();
    expect(await row.locator('td[data-label="Commit"]').textContent()).toMatch(/^[0-9a-f]{12}$/);
    const detail = page.getByTestId("build-detail");
    await detail.getByTestId("log-lines").getByText("building-the-site").first().waitFor();
    await expect.poll(() => detail.getByTestId("log-status").textContent(), { timeout: 30_000 }).toContain("End of the build's log");
    await shot("build-log");
    await detail.getByRole("button", { name: "Close build #1" }).click();
    await detail.waitFor({ state: "detached" });
    await shot("builds");
    await row.getByRole("link", { name: "#1 in Staging" }).click();
    await page.waitForURL(/tab=history&env=staging/);
    await page.locator('.timeline-item[data-release="1"][data-state="succeeded"]').waitFor();
  });

  it("creates the push webhook and shows its secret once; rotates and removes it", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/apps/${projectId}/site?tab=builds`);
    const section = page.getByTestId("webhook");
    await section.getByRole("button", { name: "Create webhook…" }).click();
    const create = dialog("Create a push webhook");
    expect(await create.getByRole("checkbox", { name: /Staging/ }).isChecked()).toBe(true);
    await create.getByRole("button", { name: "Create webhook" }).click();
    const shown = dialog("Push webhook");
    await shown.getByText("Copy the secret now.").waitFor();
    const secret = await shown.getByRole("textbox", { name: "Secret", exact: true }).inputValue();
    expect(secret.length).toBeGreaterThan(20);
    expect(await shown.getByRole("textbox", { name: "Payload URL" }).inputValue()).toMatch(/\/api\/v1\/hooks\/apps\/[0-9a-f-]{36}$/);
    await shot("webhook-secret");
    await shown.getByRole("button", { name: "I have copied the secret" }).click();
    await section.getByTestId("webhook-environments").getByText("Staging").waitFor();
    expect(await page.content()).not.toContain(secret);
    expect((await admin.client.call("getAppWebhook", { params: appParams("site") })).environments).toEqual([stagingId]);
    await shot("webhook");

    await section.getByRole("button", { name: "Change / rotate secret…" }).click();
    const rotate = dialog("Change the webhook and rotate its secret");
    await rotate.getByText("the old one stops working at once").waitFor();
    await rotate.getByRole("button", { name: "Rotate secret" }).click();
    const again = await shown.getByRole("textbox", { name: "Secret", exact: true }).inputValue();
    expect(again).not.toBe(secret);
    await shown.getByRole("button", { name: "I have copied the secret" }).click();

    await section.getByRole("button", { name: "Remove" }).click();
    await confirm(page);
    await section.getByRole("button", { name: "Create webhook…" }).waitFor();
  });

  it("refuses to overwrite a spec someone changed meanwhile, and an app name that exists", async () => {
    await page.goto(`${server.baseUrl}/orgs/${org}/apps/${projectId}/web?tab=spec`);
    await page.getByTestId("spec-view").getByText("kind: App").waitFor();
    await page.getByRole("button", { name: "Edit" }).click();
    const editor = page.getByLabel("App document (YAML)");
    const text = await editor.inputValue();
    // Someone else saves a new version while this editor is open.
    const current = await admin.client.call("getApp", { params: appParams("web") });
    await admin.client.call("putApp", { params: appParams("web"), body: { spec: { ...current.spec, replicas: 2 } } });
    await editor.fill(text.replace(/replicas: 1/, "replicas: 3"));
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const conflict = page.getByTestId("spec-conflict");
    await conflict.getByText("The app changed meanwhile").waitFor();
    expect((await admin.client.call("getApp", { params: appParams("web") })).spec.replicas).toBe(2);
    await shot("spec-conflict");
    await conflict.getByRole("button", { name: "Reload" }).click();
    await page.getByTestId("spec-view").getByText("replicas: 2").waitFor();

    // The env editor too: its edit is based on the version it showed.
    await page.getByRole("tab", { name: "Env & secrets" }).click();
    await page.getByRole("button", { name: "Add variable" }).click();
    await page.getByLabel("Variable name 1").fill("MODE");
    await page.getByLabel("Variable value 1").fill("fast");
    const now = await admin.client.call("getApp", { params: appParams("web") });
    await admin.client.call("putApp", { params: appParams("web"), body: { spec: { ...now.spec, replicas: 1 } } });
    await page.getByRole("button", { name: "Save variables" }).click();
    await page.getByTestId("spec-conflict").getByRole("button", { name: "Reload" }).click();
    await page.getByTestId("spec-conflict").waitFor({ state: "detached" });
    await page.getByText("No variables.").waitFor();

    // createOnly: the wizard never replaces an app that exists.
    await page.keyboard.press("c");
    await page.keyboard.press("a");
    const wizard = dialog("Create app");
    await wizard.getByLabel("Image", { exact: true }).fill(swarm.images.testapp.v1 as string);
    await wizard.getByRole("button", { name: "Next" }).click();
    await wizard.getByLabel("Name", { exact: true }).fill("web");
    await wizard.getByRole("button", { name: "Next" }).click();
    await wizard.getByRole("button", { name: "Create app" }).click();
    await wizard.getByText("shop already has an app named web").waitFor();
    expect(await wizard.getByLabel("Name", { exact: true }).inputValue()).toBe("web");
    expect((await admin.client.call("getApp", { params: appParams("web") })).spec.source).toEqual({ image: swarm.images.testapp.v1 });
    await page.keyboard.press("Escape");
  });
});
