import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readClientIdentity } from "./pki.js";

/** Writes a kubeconfig (JSON, which every YAML loader reads) with the certificates embedded. */
export function writeKubeconfig(options: { pkiDir: string; dir: string; user: string; server: string }): string {
  const identity = readClientIdentity(options.pkiDir, options.user);
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "meridian-testbed",
        cluster: { server: options.server, "certificate-authority-data": identity.ca.toString("base64") },
      },
    ],
    users: [
      {
        name: options.user,
        user: {
          "client-certificate-data": identity.cert.toString("base64"),
          "client-key-data": identity.key.toString("base64"),
        },
      },
    ],
    contexts: [{ name: "meridian-testbed", context: { cluster: "meridian-testbed", user: options.user } }],
    "current-context": "meridian-testbed",
  };
  const path = join(options.dir, `${options.user}.kubeconfig`);
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return path;
}
