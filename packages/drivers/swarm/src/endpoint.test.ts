import { describe, expect, it } from "vitest";
import { describeSwarmEndpoint, parseSwarmEndpoint } from "./endpoint.js";

const tls = { caData: "ca", certData: "cert", keyData: "key" };

describe("Docker endpoints", () => {
  it.each([
    [{ host: "unix:///var/run/docker.sock" }, "unix:///var/run/docker.sock", "unix-socket"],
    [{ host: "tcp://10.0.0.5:2376" }, "tcp://10.0.0.5:2376", "tcp"],
    [{ host: "tcp://docker.example:2376", tls }, "tcp://docker.example:2376", "tls"],
    [{ host: "tcp://[::1]:2376", tls }, "tcp://[::1]:2376", "tls"],
    [{ host: "ssh://deploy@manager-1", sshPrivateKey: "secret-key", sshKnownHosts: "x" }, "ssh://deploy@manager-1:22", "ssh"],
    [{ host: "ssh://deploy@manager-1:2222" }, "ssh://deploy@manager-1:2222", "ssh"],
  ])("%j -> %s (%s)", (config, endpoint, authMethod) => {
    expect(describeSwarmEndpoint(config)).toEqual({ endpoint, authMethod });
    expect(JSON.stringify(describeSwarmEndpoint(config))).not.toContain("secret-key");
  });

  it.each(["http://x:2375", "tcp://-oProxyCommand=x:22", "ssh://-oProxyCommand=touch@host", "ssh://user@-host", "tcp://host:99999", "unix://relative"])(
    "rejects %s as invalid_input",
    (host) => {
      expect(() => parseSwarmEndpoint(host)).toThrow(expect.objectContaining({ code: "invalid_input" }));
    },
  );
});
