import { AppError } from "@meridian/core";

/**
 * Resolves an image tag to its manifest digest through the registry's HTTP API (distribution spec), so a release
 * pins exactly what it deployed and a re-pushed tag can't change a running release. Anonymous bearer tokens are
 * fetched when the registry asks for them. Loopback registries (and those configured insecure) are spoken to
 * over plain HTTP, like the Docker engine does.
 */
export interface ParsedImage {
  registry: string;
  repository: string;
  tag: string | null;
  digest: string | null;
}

export function parseImage(ref: string): ParsedImage {
  let rest = ref;
  let digest: string | null = null;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasRegistry ? first : "registry-1.docker.io";
  let path = hasRegistry ? rest.slice(slash + 1) : rest;
  let tag: string | null = null;
  const colon = path.lastIndexOf(":");
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  if (registry === "registry-1.docker.io" && !path.includes("/")) path = `library/${path}`;
  if (!tag && !digest) tag = "latest";
  return { registry: registry === "docker.io" || registry === "index.docker.io" ? "registry-1.docker.io" : registry, repository: path, tag, digest };
}

const manifestTypes = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

function isLoopback(host: string): boolean {
  const h = host.replace(/:\d+$/, "");
  return h === "localhost" || h === "127.0.0.1" || h === "[::1]" || h.startsWith("127.");
}

export interface DigestResult {
  /** `repo@sha256:…` to run, or the reference as given when the registry could not be asked. */
  pinned: string;
  digest: string | null;
  /** Why no digest, when none. */
  warning: string | null;
}

/** The part of an image reference before its tag/digest (registry and repository as the user wrote them). */
export function imageName(ref: string): string {
  const noDigest = ref.split("@")[0] as string;
  const lastSlash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > lastSlash ? noDigest.slice(0, colon) : noDigest;
}

export async function resolveImageDigest(ref: string, opts: { insecureRegistries?: readonly string[]; timeoutMs?: number } = {}): Promise<DigestResult> {
  const img = parseImage(ref);
  if (img.digest) return { pinned: ref, digest: img.digest, warning: null };
  const scheme = isLoopback(img.registry) || opts.insecureRegistries?.includes(img.registry) ? "http" : "https";
  const url = `${scheme}://${img.registry}/v2/${img.repository}/manifests/${img.tag}`;
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 5000);
  const head = (auth?: string) => fetch(url, { method: "HEAD", headers: { accept: manifestTypes, ...(auth ? { authorization: auth } : {}) }, signal });
  let res: Response;
  try {
    res = await head();
    if (res.status === 401) {
      const token = await fetchAnonymousToken(res.headers.get("www-authenticate"), signal);
      if (token) res = await head(`Bearer ${token}`);
    }
  } catch (err) {
    return { pinned: ref, digest: null, warning: `the registry ${img.registry} could not be reached (${(err as Error).message}); deployed by tag` };
  }
  if (res.status === 404) throw new AppError("invalid_input", `image ${ref} not found: the registry ${img.registry} has no tag ${img.tag} for ${img.repository}`);
  if (res.status === 401 || res.status === 403) return { pinned: ref, digest: null, warning: `the registry ${img.registry} needs credentials to resolve the digest; deployed by tag` };
  const digest = res.headers.get("docker-content-digest");
  if (!res.ok || !digest || !/^sha256:[a-f0-9]{64}$/.test(digest)) return { pinned: ref, digest: null, warning: `the registry ${img.registry} answered ${res.status} without a digest; deployed by tag` };
  return { pinned: `${imageName(ref)}@${digest}`, digest, warning: null };
}

async function fetchAnonymousToken(challenge: string | null, signal: AbortSignal): Promise<string | null> {
  if (!challenge?.toLowerCase().startsWith("bearer ")) return null;
  const params = Object.fromEntries([...challenge.slice(7).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  if (!params.realm) return null;
  const u = new URL(params.realm);
  if (params.service) u.searchParams.set("service", params.service);
  if (params.scope) u.searchParams.set("scope", params.scope);
  const r = await fetch(u, { signal });
  if (!r.ok) return null;
  const body = (await r.json()) as { token?: string; access_token?: string };
  return body.token ?? body.access_token ?? null;
}
