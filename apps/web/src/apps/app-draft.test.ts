import { AppDocument, appTemplates } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { type AppDraft, applyTemplate, draftToDocument, emptyDraft, envRow, serverFieldErrors, stepOfField, validateDraft } from "./app-draft";

const draft = (patch: Partial<AppDraft>): AppDraft => ({ ...emptyDraft("p1"), name: "web", image: "registry.example.com/shop/web:1.2", ...patch });
const template = (id: string) => {
  const t = appTemplates.find((x) => x.id === id);
  if (!t) throw new Error(id);
  return { id: t.id, name: t.name, document: t.expand({ name: t.id, project: "my-project" }) as unknown as Record<string, unknown> };
};

describe("draftToDocument", () => {
  it("makes a valid document from an image, port, replicas and env", () => {
    const doc = draftToDocument(draft({ port: "3000", replicas: "2", env: [envRow("NODE_ENV", "production"), envRow("", "")] }), "shop");
    expect(doc).toEqual({
      apiVersion: "meridian.dev/v1",
      kind: "App",
      metadata: { name: "web", project: "shop" },
      spec: { source: { image: "registry.example.com/shop/web:1.2" }, ports: [{ name: "http", protocol: "http", port: 3000 }], replicas: 2, env: { NODE_ENV: "production" } },
    });
    expect(AppDocument.safeParse(doc).success).toBe(true);
  });

  it("leaves ports out for a worker, and builds a git source with defaults", () => {
    const doc = draftToDocument(draft({ source: "git", gitUrl: "https://example.com/shop.git", gitRef: "", port: "" }), "shop");
    expect(doc.spec).toEqual({ source: { git: { url: "https://example.com/shop.git", ref: "main", dockerfile: "Dockerfile" } }, replicas: 1 });
  });

  it.each(appTemplates.map((t) => t.id))("keeps the %s template's spec and applies the basics", (id) => {
    const d = applyTemplate(draft({ name: "" }), template(id));
    expect(d.name).toBe(id);
    const doc = draftToDocument({ ...d, name: "mine", replicas: "3" }, "shop");
    const parsed = AppDocument.safeParse(doc);
    expect(parsed.success).toBe(true);
    const spec = doc.spec as Record<string, unknown>;
    expect(spec.replicas).toBe(3);
    expect(spec.strategy).toEqual((template(id).document.spec as Record<string, unknown>).strategy);
  });

  it("drops a template's probes and routes when the port is removed (they name it)", () => {
    const d = applyTemplate(draft({}), template("static-site"));
    const spec = draftToDocument({ ...d, port: "" }, "shop").spec as Record<string, unknown>;
    expect(spec.ports).toBeUndefined();
    expect(spec.health).toBeUndefined();
    expect(AppDocument.safeParse(draftToDocument({ ...d, port: "" }, "shop")).success).toBe(true);
  });
});

describe("validateDraft", () => {
  it.each([
    ["a valid draft", draft({}), {}],
    ["no name", draft({ name: "" }), { "metadata.name": "Give the app a name" }],
    ["a bad name", draft({ name: "Web App" }), { "metadata.name": "lowercase letters, digits and '-', starting and ending with a letter or digit" }],
    ["no image", draft({ image: "" }), { "spec.source.image": "Give an image reference" }],
    ["no project", draft({ projectId: "" }), { "metadata.project": "Choose a project" }],
    ["a git source without URL", draft({ source: "git", gitUrl: "" }), { "spec.source.git.url": "Give the repository URL" }],
  ])("%s", (_n, d, errors) => expect(validateDraft(d, "shop")).toEqual(errors));

  it("names bad env rows and ports", () => {
    const e = validateDraft(draft({ env: [envRow("OK", "1"), envRow("1BAD", "x"), envRow("OK", "2")], port: "70000", replicas: "-1" }), "shop");
    expect(Object.keys(e).sort()).toEqual(["spec.env.1", "spec.env.2", "spec.ports.0.port", "spec.replicas"]);
    expect(e["spec.env.2"]).toBe("OK is set twice");
    expect(e["spec.source.image"]).toBeUndefined();
    expect(validateDraft(draft({ image: "Not An Image!" }), "shop")["spec.source.image"]).toMatch(/image reference/);
  });
});

describe("server errors", () => {
  it("moves params onto the wizard's fields and each field onto its step", () => {
    expect(serverFieldErrors({ "params.app": "bad", "spec.replicas": "too many" })).toEqual({ "metadata.name": "bad", "spec.replicas": "too many" });
    expect(["spec.source.image", "metadata.name", "spec.env.2", "spec.routes.0.host"].map(stepOfField)).toEqual([0, 1, 1, 2]);
  });
});
