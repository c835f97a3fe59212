import { AppError, type ApplyResult, type FullObject, type ObjectRef } from "@meridian/core";
import { createTwoFilesPatch } from "diff";
import { parseAllDocuments, stringify } from "yaml";
import type { Resolver } from "./discovery.js";
import type { KubeHttp } from "./kube-http.js";
import { type ApiResource, apiVersionOf, builtin, pathOf } from "./resources.js";

type Obj = Record<string, any>;
const fieldManager = "meridian";
const redacted = "(hidden by Meridian)";

/** What Meridian shows of an object: no managedFields, and Secret values replaced (keys stay). */
export function redactObject(o: Obj): Obj {
  const out: Obj = { ...o, metadata: { ...(o.metadata ?? {}) } };
  delete out.metadata.managedFields;
  if (o.kind === "Secret") {
    if (o.data) out.data = Object.fromEntries(Object.keys(o.data).map((k) => [k, redacted]));
    if (o.stringData) out.stringData = Object.fromEntries(Object.keys(o.stringData).map((k) => [k, redacted]));
    const ann = { ...(o.metadata?.annotations ?? {}) };
    // kubectl keeps the whole applied Secret, values included, in this annotation.
    if (ann["kubectl.kubernetes.io/last-applied-configuration"]) ann["kubectl.kubernetes.io/last-applied-configuration"] = redacted;
    out.metadata.annotations = Object.keys(ann).length ? ann : undefined;
    if (!out.metadata.annotations) delete out.metadata.annotations;
  }
  return out;
}

/** The part of an object a person edits: no status or server-managed metadata, for diffs. */
function specOf(o: Obj | null): string {
  if (!o) return "";
  const r = redactObject(o);
  const meta = { ...r.metadata };
  for (const f of ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp", "selfLink"]) delete meta[f];
  if (meta.annotations) {
    const ann = { ...meta.annotations };
    delete ann["deployment.kubernetes.io/revision"];
    meta.annotations = Object.keys(ann).length ? ann : undefined;
    if (!meta.annotations) delete meta.annotations;
  }
  const { status: _status, ...rest } = r;
  return stringify({ ...rest, metadata: meta }, { sortMapEntries: false });
}

const labelOf = (res: ApiResource, name: string) => `${res.kind.toLowerCase()}${res.group ? `.${res.group}` : ""}/${name}`;

// jsdiff starts with a "=====" banner line that says nothing; the ---/+++ headers name both sides.
const diffSpecs = (label: string, a: string, b: string, after: string) =>
  createTwoFilesPatch(`${label} (live)`, `${label} (${after})`, a, b, undefined, undefined, { context: 3 }).replace(/^=+\n/, "");

/**
 * What deleting a live object looks like in an apply preview. ApplyResult has no "deleted" action, so a removal is
 * reported as `configured` with a diff that takes every line away (headed "(deleted)").
 */
export function deletionResult(res: ApiResource, live: Obj): ApplyResult {
  const name = String(live.metadata?.name ?? "");
  return { kind: res.kind, namespace: live.metadata?.namespace ?? null, name, action: "configured", diff: diffSpecs(labelOf(res, name), specOf(live), "", "deleted") };
}

export function createOperations(http: KubeHttp, resolver: Resolver) {
  async function locate(ref: ObjectRef) {
    const res = await resolver.resolve(ref.kind, ref.apiVersion);
    if (res.namespaced && !ref.namespace) throw new AppError("invalid_input", `${ref.kind} is namespaced: give a namespace`);
    return { res, path: pathOf(res, res.namespaced ? ref.namespace : null, ref.name) };
  }

  async function getRaw(ref: ObjectRef): Promise<Obj> {
    const { path } = await locate(ref);
    return http.request<Obj>("GET", path);
  }

  async function target(doc: Obj, defaultNamespace: string | undefined) {
    if (typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") throw new AppError("invalid_input", "every document needs apiVersion and kind");
    const name = doc.metadata?.name;
    if (typeof name !== "string" || !name) throw new AppError("invalid_input", `${doc.kind}: metadata.name is required`);
    const res = await resolver.resolve(doc.kind, doc.apiVersion);
    const namespace = res.namespaced ? (doc.metadata?.namespace ?? defaultNamespace ?? "default") : null;
    const body = { ...doc, metadata: { ...doc.metadata, ...(namespace ? { namespace } : {}) } };
    return { res, name, namespace, body, path: pathOf(res, namespace, name) };
  }

  function patchApply(path: string, body: Obj, dryRun: boolean): Promise<Obj> {
    const q = new URLSearchParams({ fieldManager, force: "true", fieldValidation: "Strict" });
    if (dryRun) q.set("dryRun", "All");
    return http.request<Obj>("PATCH", `${path}?${q}`, { body, contentType: "application/apply-patch+yaml" });
  }

  async function applyOne(doc: Obj, dryRun: boolean, defaultNamespace: string | undefined): Promise<ApplyResult> {
    const { res, name, namespace, body, path } = await target(doc, defaultNamespace);
    const current = await http.requestRaw("GET", path);
    if (current.status !== 200 && current.status !== 404) {
      await http.request("GET", path); // throws the cluster's error
    }
    const before = current.status === 200 ? (JSON.parse(current.body) as Obj) : null;
    const after = await patchApply(path, body, dryRun);
    const a = specOf(before);
    const b = specOf(after);
    return {
      kind: res.kind,
      namespace,
      name,
      action: before === null ? "created" : a === b ? "unchanged" : "configured",
      diff: a === b ? "" : diffSpecs(labelOf(res, name), a, b, "applied"),
    };
  }

  /** Server-side apply of a batch; a dry run of the whole batch first, so a bad object in the middle changes nothing. */
  /**
   * Validates the whole batch by a dry run, then applies it. In order for user YAML (a Namespace or CRD before what
   * uses it); `parallel` for batches whose objects don't depend on each other's existence (an app's objects), which
   * turns 2n sequential round trips into two rounds.
   */
  async function applyObjects(objects: Obj[], opts: { dryRun: boolean; defaultNamespace?: string; parallel?: boolean }): Promise<ApplyResult[]> {
    if (objects.length > 200) throw new AppError("invalid_input", "at most 200 objects per apply");
    const each = async (dry: boolean) => {
      if (opts.parallel) return Promise.all(objects.map((o) => applyOne(o, dry, opts.defaultNamespace)));
      const out: ApplyResult[] = [];
      for (const o of objects) out.push(await applyOne(o, dry, opts.defaultNamespace));
      return out;
    };
    const preview = await each(true);
    if (opts.dryRun) return preview;
    return each(false);
  }

  /** One server-side apply request per object, all at once, no preview or diff: for small changes that must be quick. */
  async function applyQuick(objects: Obj[], defaultNamespace?: string): Promise<void> {
    await Promise.all(
      objects.map(async (o) => {
        const { path, body } = await target(o, defaultNamespace);
        await patchApply(path, body, false);
      }),
    );
  }

  async function mergePatch(path: string, patch: unknown) {
    return http.request<Obj>("PATCH", path, { body: patch, contentType: "application/merge-patch+json" });
  }

  return {
    async getObject(ref: ObjectRef): Promise<FullObject> {
      const o = await getRaw(ref);
      const res = await resolver.resolve(ref.kind, ref.apiVersion);
      // GET responses omit nothing, but make kind/apiVersion explicit for the YAML view.
      return { object: redactObject({ apiVersion: apiVersionOf(res), kind: res.kind, ...o }) };
    },

    async apply(yamlText: string, opts: { dryRun: boolean; defaultNamespace?: string }): Promise<ApplyResult[]> {
      const docs = parseAllDocuments(yamlText);
      const list = Array.isArray(docs) ? docs : [docs];
      const objects: Obj[] = [];
      for (const [i, d] of list.entries()) {
        if (d.errors.length) throw new AppError("invalid_input", `document ${i + 1}: ${d.errors[0]?.message.split("\n")[0]}`);
        const js = d.toJS({ maxAliasCount: 100 }) as unknown;
        if (js === null || js === undefined) continue;
        if (typeof js !== "object" || Array.isArray(js)) throw new AppError("invalid_input", `document ${i + 1} is not an object`);
        const o = js as Obj;
        if (o.kind === "List" && Array.isArray(o.items)) objects.push(...(o.items as Obj[]));
        else objects.push(o);
      }
      if (objects.length === 0) throw new AppError("invalid_input", "the YAML holds no objects");
      return applyObjects(objects, opts);
    },

    applyObjects,
    applyQuick,

    async deleteObject(ref: ObjectRef): Promise<void> {
      const { path } = await locate(ref);
      await http.request("DELETE", path, { body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" } });
    },

    async scale(ref: ObjectRef, replicas: number): Promise<void> {
      if (!["Deployment", "StatefulSet", "ReplicaSet"].includes(ref.kind)) throw new AppError("invalid_input", `${ref.kind} cannot be scaled (Deployment, StatefulSet or ReplicaSet)`);
      const { path } = await locate(ref);
      await mergePatch(`${path}/scale`, { spec: { replicas } });
    },

    async restart(ref: ObjectRef): Promise<void> {
      if (!["Deployment", "StatefulSet", "DaemonSet"].includes(ref.kind)) throw new AppError("invalid_input", `${ref.kind} has no rollout to restart (Deployment, StatefulSet or DaemonSet)`);
      const { path } = await locate(ref);
      await mergePatch(path, { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": new Date().toISOString() } } } } });
    },

    /** `kubectl rollout undo`: the Deployment gets the pod template of its previous ReplicaSet revision. */
    async rollback(ref: ObjectRef): Promise<void> {
      if (ref.kind !== "Deployment") throw new AppError("invalid_input", `${ref.kind} cannot be rolled back here (Deployments can)`);
      const { path } = await locate(ref);
      const dep = await http.request<Obj>("GET", path);
      const uid = dep.metadata?.uid;
      const rsRes = builtin("ReplicaSet");
      const sel = Object.entries((dep.spec?.selector?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(",");
      const list = await http.request<Obj>("GET", `${pathOf(rsRes, ref.namespace)}?${new URLSearchParams({ labelSelector: sel })}`);
      const owned = ((list.items ?? []) as Obj[])
        .filter((rs) => (rs.metadata?.ownerReferences ?? []).some((o: Obj) => o.uid === uid))
        .map((rs) => ({ rs, rev: Number(rs.metadata?.annotations?.["deployment.kubernetes.io/revision"] ?? 0) }))
        .sort((a, b) => b.rev - a.rev);
      const previous = owned[1];
      if (!previous) throw new AppError("conflict", `${ref.name} has no previous revision to roll back to`);
      const template = structuredClone(previous.rs.spec.template) as Obj;
      if (template.metadata?.labels) delete template.metadata.labels["pod-template-hash"];
      await http.request("PATCH", path, { body: [{ op: "replace", path: "/spec/template", value: template }], contentType: "application/json-patch+json" });
    },

    async setNodeSchedulable(node: string, schedulable: boolean): Promise<void> {
      await mergePatch(pathOf(builtin("Node"), null, node), { spec: { unschedulable: schedulable ? null : true } });
    },

    /** `kubectl drain`: cordon, then evict every pod but DaemonSet and mirror pods; PDB refusals are reported. */
    async drainNode(node: string): Promise<{ evicted: number; skipped: string[] }> {
      const nodeRes = builtin("Node");
      const podRes = builtin("Pod");
      await mergePatch(pathOf(nodeRes, null, node), { spec: { unschedulable: true } });
      const pods = await http.request<Obj>("GET", `${pathOf(podRes, null)}?${new URLSearchParams({ fieldSelector: `spec.nodeName=${node}` })}`);
      let evicted = 0;
      const skipped: string[] = [];
      for (const p of (pods.items ?? []) as Obj[]) {
        const ns = p.metadata.namespace as string;
        const name = p.metadata.name as string;
        const ownerKind = (p.metadata.ownerReferences ?? []).find((o: Obj) => o.controller)?.kind;
        if (ownerKind === "DaemonSet") {
          skipped.push(`${ns}/${name}: DaemonSet pod`);
          continue;
        }
        if (p.metadata.annotations?.["kubernetes.io/config.mirror"]) {
          skipped.push(`${ns}/${name}: mirror pod`);
          continue;
        }
        if (p.status?.phase === "Succeeded" || p.status?.phase === "Failed") continue;
        try {
          await http.request("POST", pathOf(podRes, ns, name, "eviction"), { body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace: ns } } });
          evicted++;
        } catch (err) {
          if (err instanceof AppError && err.code === "not_found") continue;
          if (err instanceof AppError && (err.code === "rate_limited" || err.code === "forbidden")) {
            skipped.push(`${ns}/${name}: ${err.message}`);
            continue;
          }
          throw err;
        }
      }
      return { evicted, skipped };
    },

    getRaw,
  };
}
export type Operations = ReturnType<typeof createOperations>;
