import { describe, expect, it } from "vitest";
import { diffServiceSpecs, isSameSpec, mergeServiceSpec, parseCpu, parseDuration, parseMemory, parseServiceSpecs } from "./service-spec.js";

const image = "127.0.0.1:5000/meridian/testapp:v1";

describe("Meridian Swarm service specs", () => {
  it("parses several documents and applies the default stack", () => {
    const specs = parseServiceSpecs(`kind: SwarmService\nname: web\nimage: ${image}\n---\nkind: SwarmService\nname: api\nnamespace: other\nimage: ${image}\n`, "shop");
    expect(specs.map((s) => [s.name, s.namespace])).toEqual([
      ["web", "shop"],
      ["api", "other"],
    ]);
  });

  it.each([
    ["kind: Deployment\nname: x\n", /unsupported kind "Deployment"/],
    ["kind: SwarmService\nname: web\n", /image is required/],
    ["kind: SwarmService\nname: web\nimage: x\nmode: global\nreplicas: 2\n", /replicas cannot be set for a global service/],
    ["kind: SwarmService\nname: web\nimage: x\nports: [{published: 80}]\n", /ports\.0\.target/],
    ["kind: SwarmService\nname: web\nimage: x\nbogus: 1\n", /bogus/],
    ["kind: SwarmService\nname: [oops\n", /YAML document 1/],
    ["", /no SwarmService document/],
  ])("rejects %j", (yaml, message) => {
    expect(() => parseServiceSpecs(yaml)).toThrow(expect.objectContaining({ code: "invalid_input", message: expect.stringMatching(message) }));
  });

  it("converts quantities", () => {
    expect(parseCpu("500m", "cpu")).toBe(500_000_000);
    expect(parseCpu(1.5, "cpu")).toBe(1_500_000_000);
    expect(parseMemory("128Mi", "m")).toBe(128 * 1024 * 1024);
    expect(parseMemory("64m", "m")).toBe(64 * 1024 * 1024);
    expect(parseMemory("1G", "m")).toBe(1e9);
    expect(parseMemory(1024, "m")).toBe(1024);
    expect(() => parseMemory("lots", "resources.limits.memory")).toThrow(/resources.limits.memory/);
    expect(parseDuration("1m30s")).toBe(90e9);
    expect(parseDuration(2)).toBe(2e9);
  });

  it("builds a Docker ServiceSpec with host-mode ports, stack labels and resources", () => {
    const [spec] = parseServiceSpecs(
      `kind: SwarmService\nname: web\nnamespace: shop\nimage: ${image}\nreplicas: 2\nenv: {A: "1", B: true}\nlabels: {team: core}\nports: [{published: 8080, target: 80}]\ncommand: [sh, -c]\nargs: ["echo hi"]\nresources: {reservations: {cpu: 250m, memory: 64Mi}}\nupdateConfig: {parallelism: 1, delay: 2s, order: start-first}\n`,
    );
    if (!spec) throw new Error("no spec");
    const docker = mergeServiceSpec(undefined, spec, { image: `${image}@sha256:abc` });
    expect(docker).toEqual({
      Name: "web",
      Labels: { team: "core", "com.docker.stack.namespace": "shop" },
      TaskTemplate: {
        ContainerSpec: { Image: `${image}@sha256:abc`, Env: ["A=1", "B=true"], Command: ["sh", "-c"], Args: ["echo hi"], Labels: { "com.docker.stack.namespace": "shop" } },
        Resources: { Reservations: { NanoCPUs: 250_000_000, MemoryBytes: 64 * 1024 * 1024 } },
      },
      Mode: { Replicated: { Replicas: 2 } },
      UpdateConfig: { Parallelism: 1, Delay: 2e9, FailureAction: "pause", Monitor: 5e9, MaxFailureRatio: 0, Order: "start-first" },
      EndpointSpec: { Ports: [{ Protocol: "tcp", TargetPort: 80, PublishedPort: 8080, PublishMode: "host" }] },
    });
  });

  it("keeps unmanaged fields of the live spec, drops managed ones left out, and diffs only real changes", () => {
    const [spec] = parseServiceSpecs(`kind: SwarmService\nname: web\nimage: ${image}\n`);
    if (!spec) throw new Error("no spec");
    const live = {
      Name: "web",
      TaskTemplate: { ContainerSpec: { Image: image, Env: ["OLD=1"], Isolation: "default" }, ForceUpdate: 3, Runtime: "container" },
      Mode: { Replicated: { Replicas: 1 } },
      UpdateConfig: { Parallelism: 1, FailureAction: "pause", Monitor: 5e9, MaxFailureRatio: 0, Order: "stop-first" },
      EndpointSpec: { Mode: "vip" },
    };
    const merged = mergeServiceSpec(live, spec, { image });
    expect(merged.TaskTemplate).toEqual({ ContainerSpec: { Image: image, Isolation: "default" }, ForceUpdate: 3, Runtime: "container" });
    expect(merged.EndpointSpec).toEqual({ Mode: "vip" });
    expect(isSameSpec(live, merged)).toBe(false);
    const diff = diffServiceSpecs("web", live, merged);
    expect(diff).toContain("-      - OLD=1");
    expect(diff.split("\n").filter((l) => l.startsWith("+") && !l.startsWith("+++"))).toEqual([]);
    expect(isSameSpec(merged, mergeServiceSpec(merged, spec, { image }))).toBe(true);
  });
});
