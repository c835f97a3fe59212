import { findKind, type KindInfo, kindCatalog } from "@meridian/core";
import { UsageError } from "../errors.js";

/** A KIND argument: a catalog kind (pods, po, Deployment), or a custom resource passed through as typed. */
export interface KindRef {
  kind: string;
  /** API group of a custom resource given as `widgets.example.com`. */
  group?: string;
  info?: KindInfo;
}

export function resolveKindArg(arg: string): KindRef {
  const info = findKind(arg);
  if (info) return { kind: info.kind, info };
  // kubectl's resource.group form: `deployments.apps` is built in, `widgets.example.com` is custom
  const dot = arg.indexOf(".");
  if (dot > 0) {
    const base = arg.slice(0, dot);
    const builtin = findKind(base);
    if (builtin) return { kind: builtin.kind, info: builtin };
    return { kind: base, group: arg.slice(dot + 1) };
  }
  return { kind: arg };
}

/** `KIND NAME` or kubectl's `KIND/NAME`, as positional arguments. */
export function parseObjectArgs(args: string[], usage: string): { kind: KindRef; name: string } {
  const [first, second, ...rest] = args;
  if (!first || rest.length > 0) throw new UsageError(`expected ${usage}`);
  if (second !== undefined) {
    if (first.includes("/")) throw new UsageError(`expected ${usage}, not both KIND/NAME and NAME`);
    return { kind: resolveKindArg(first), name: second };
  }
  const slash = first.indexOf("/");
  if (slash <= 0 || slash === first.length - 1) throw new UsageError(`expected ${usage}`);
  return { kind: resolveKindArg(first.slice(0, slash)), name: first.slice(slash + 1) };
}

/**
 * The namespace a command on one object uses: -n, else "default" for namespaced Kubernetes kinds like
 * kubectl. Swarm stacks have no default, and custom kinds may be cluster-scoped, so those get none.
 */
export function pickNamespace(ref: KindRef, namespace: string | undefined): string | undefined {
  if (ref.info && !ref.info.namespaced) return undefined;
  if (namespace) return namespace;
  return ref.info?.runtime === "kubernetes" ? "default" : undefined;
}

/** The lower-case plural people type, for messages ("no pods found"). */
export function describeKind(ref: KindRef): string {
  return ref.info?.plural ?? (ref.group ? `${ref.kind}.${ref.group}` : ref.kind);
}

/** Refuses an action the catalog says the kind does not support, naming the kinds that do. */
export function checkKindSupports(ref: KindRef, ability: "scalable" | "restartable" | "rollbackable", verb: string): void {
  if (!ref.info || ref.info[ability]) return;
  const able = kindCatalog.filter((k) => k[ability]).map((k) => k.plural);
  throw new UsageError(`${ref.info.plural} cannot be ${verb}; these can: ${able.join(", ")}`);
}
