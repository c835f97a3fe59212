import { type AppTarget, type Slot, appLabels } from "@meridian/core";

/** Object names and selectors of an app's objects: the one place both rendering and observation read them from. */

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are open JSON; each reader checks what it uses.
export type Obj = Record<string, any>;

export const releaseLabel = "meridian.dev/release";
export const releaseIdAnnotation = "meridian.dev/release-id";
export const releaseNumberAnnotation = "meridian.dev/release-number";
export const tlsSecretsAnnotation = "meridian.dev/tls-secrets";
/** The container that runs the app in every pod Meridian renders. */
export const containerName = "app";

export const slotName = (app: string, slot: Slot) => `${app}-${slot}`;
export const canaryIngressName = (app: string) => `${app}-canary`;
export const volumeClaimName = (app: string, volume: string) => `${app}-${volume}`;

/** `*.example.com` → `wildcard-example-com`: a Secret name per route host. */
export function tlsSecretName(app: string, host: string): string {
  const slug = host.replace(/^\*\./, "wildcard.").replaceAll(".", "-");
  return `${app}-tls-${slug}`.slice(0, 253).replace(/-+$/, "");
}

/** The slot a Service or backend name points at (`<app>-blue` → blue), if it is one of this app's. */
export function slotOfName(app: string, name: unknown): Slot | null {
  if (name === slotName(app, "blue")) return "blue";
  if (name === slotName(app, "green")) return "green";
  return null;
}

/**
 * Pods are selected by app and slot only: a Deployment's selector is immutable, so nothing that changes
 * between releases may be in it.
 */
export const podSelector = (app: string, slot: Slot) => ({ "meridian.dev/app": app, "meridian.dev/slot": slot });

/** Everything Meridian owns of one app: all four ownership labels, so another project's app of the same name is never touched. */
export function ownerSelector(t: AppTarget, slot?: Slot): string {
  return Object.entries(appLabels(t, slot))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** A release id as a label value when it is one (≤ 63 of [A-Za-z0-9._-], alphanumeric at both ends), else `r<number>`. */
export function releaseLabelValue(releaseId: string, releaseNumber: number): string {
  return /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(releaseId) ? releaseId : `r${releaseNumber}`;
}
