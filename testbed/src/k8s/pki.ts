import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { logStep } from "../lib/log.js";
import { runCommand } from "../lib/run.js";

const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
const leafUsage = "keyUsage=critical,digitalSignature,keyEncipherment";

/** A client or server certificate the testbed issues. */
type CertSpec = { name: string; subject: string; ca: "ca" | "front-proxy-ca"; extensions: string[] };

const apiserverSans = [
  "DNS:localhost",
  "DNS:kubernetes",
  "DNS:kubernetes.default",
  "DNS:kubernetes.default.svc",
  "DNS:kubernetes.default.svc.cluster.local",
  "IP:127.0.0.1",
  "IP:10.96.0.1",
];

const clientAuth = [leafUsage, "extendedKeyUsage=clientAuth"];

/** Users: admin is system:masters; restricted gets only RBAC bindings made by `k8s up` (see rbac.ts). */
const certSpecs: CertSpec[] = [
  {
    name: "apiserver",
    subject: "/CN=kube-apiserver",
    ca: "ca",
    extensions: [leafUsage, "extendedKeyUsage=serverAuth", `subjectAltName=${apiserverSans.join(",")}`],
  },
  { name: "admin", subject: "/O=system:masters/CN=testbed-admin", ca: "ca", extensions: clientAuth },
  { name: "restricted", subject: "/O=testbed-restricted/CN=testbed-restricted", ca: "ca", extensions: clientAuth },
  { name: "kube-controller-manager", subject: "/CN=system:kube-controller-manager", ca: "ca", extensions: clientAuth },
  { name: "kube-scheduler", subject: "/CN=system:kube-scheduler", ca: "ca", extensions: clientAuth },
  { name: "metrics-server", subject: "/O=system:masters/CN=metrics-server", ca: "ca", extensions: clientAuth },
  {
    name: "kwok",
    subject: "/O=system:masters/CN=kwok",
    ca: "ca",
    extensions: [leafUsage, "extendedKeyUsage=clientAuth,serverAuth", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
  },
  { name: "front-proxy-client", subject: "/CN=front-proxy-client", ca: "front-proxy-ca", extensions: clientAuth },
];

async function createCa(dir: string, name: string, commonName: string): Promise<void> {
  if (existsSync(join(dir, `${name}.crt`))) return;
  await runCommand([
    "openssl", "req", "-x509", ...ecKey, "-days", "3650", "-subj", `/CN=${commonName}`,
    "-keyout", join(dir, `${name}.key`), "-out", join(dir, `${name}.crt`),
  ]);
}

async function createCert(dir: string, spec: CertSpec): Promise<void> {
  const crt = join(dir, `${spec.name}.crt`);
  if (existsSync(crt)) return;
  const key = join(dir, `${spec.name}.key`);
  const csr = join(dir, `${spec.name}.csr`);
  const ext = join(dir, `${spec.name}.ext`);
  writeFileSync(ext, `${spec.extensions.join("\n")}\n`);
  await runCommand(["openssl", "req", "-new", ...ecKey, "-subj", spec.subject, "-keyout", key, "-out", csr]);
  await runCommand([
    "openssl", "x509", "-req", "-in", csr, "-CA", join(dir, `${spec.ca}.crt`), "-CAkey", join(dir, `${spec.ca}.key`),
    "-CAcreateserial", "-days", "3650", "-extfile", ext, "-out", crt,
  ]);
}

/** Creates the CA, component and user certificates and the service-account key pair, once per run dir. */
export async function createPki(pkiDir: string): Promise<void> {
  mkdirSync(pkiDir, { recursive: true, mode: 0o700 });
  if (existsSync(join(pkiDir, "complete"))) return;
  logStep(`creating certificates in ${pkiDir}`);
  await createCa(pkiDir, "ca", "meridian-testbed-ca");
  await createCa(pkiDir, "front-proxy-ca", "meridian-testbed-front-proxy-ca");
  for (const spec of certSpecs) await createCert(pkiDir, spec);
  if (!existsSync(join(pkiDir, "sa.pub"))) {
    await runCommand(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", join(pkiDir, "sa.key")]);
    await runCommand(["openssl", "pkey", "-in", join(pkiDir, "sa.key"), "-pubout", "-out", join(pkiDir, "sa.pub")]);
  }
  writeFileSync(join(pkiDir, "complete"), "");
}

export type ClientIdentity = { ca: Buffer; cert: Buffer; key: Buffer };

export function readClientIdentity(pkiDir: string, user: string): ClientIdentity {
  return {
    ca: readFileSync(join(pkiDir, "ca.crt")),
    cert: readFileSync(join(pkiDir, `${user}.crt`)),
    key: readFileSync(join(pkiDir, `${user}.key`)),
  };
}
