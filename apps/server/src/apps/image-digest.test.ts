import { describe, expect, it } from "vitest";
import { imageName, parseImage } from "./image-digest.js";

describe("parseImage", () => {
  it("understands Docker Hub short names, registries with ports, tags and digests", () => {
    expect(parseImage("redis")).toEqual({ registry: "registry-1.docker.io", repository: "library/redis", tag: "latest", digest: null });
    expect(parseImage("127.0.0.1:5000/meridian/testapp:v1")).toEqual({ registry: "127.0.0.1:5000", repository: "meridian/testapp", tag: "v1", digest: null });
    expect(parseImage(`ghcr.io/a/b@sha256:${"a".repeat(64)}`)).toMatchObject({ registry: "ghcr.io", repository: "a/b", tag: null, digest: `sha256:${"a".repeat(64)}` });
    expect(parseImage("team/app:2")).toMatchObject({ registry: "registry-1.docker.io", repository: "team/app", tag: "2" });
  });
  it("strips the tag but keeps a registry port", () => {
    expect(imageName("127.0.0.1:5000/meridian/testapp:v1")).toBe("127.0.0.1:5000/meridian/testapp");
    expect(imageName("127.0.0.1:5000/meridian/testapp")).toBe("127.0.0.1:5000/meridian/testapp");
  });
});
