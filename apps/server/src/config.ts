import { resolve } from "node:path";
import { z } from "zod";

/**
 * The server's configuration: parsed once at boot from flags > env (MERIDIAN_*) > *_FILE > defaults.
 * This is the only module of the server that reads process.env.
 */
const Config = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().default("127.0.0.1"),
  dataDir: z.string().default(".meridian"),
  databaseUrl: z.string().url().optional(),
  bootstrapPassword: z.string().min(12, "MERIDIAN_BOOTSTRAP_PASSWORD needs at least 12 characters").optional(),
  publicUrl: z.string().url().optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  sessionIdleMinutes: z.coerce.number().int().min(1).max(10_080).default(120),
  sessionAbsoluteHours: z.coerce.number().int().min(1).max(720).default(24),
  cookieSecure: z.enum(["auto", "true", "false"]).default("auto"),
  smtpUrl: z.string().optional().describe("smtp://user:pass@host:port; invitations are emailed when set"),
  smtpFrom: z.string().default("Meridian <meridian@localhost>"),
  webDir: z.string().optional(),
  trustProxy: z.enum(["true", "false"]).default("false"),
  readCache: z.enum(["on", "off"]).default("on"),
  /** Master key(s) for envelope encryption: base64 of 32 bytes, or key-file lines `v<N>:<base64>`. */
  masterKey: z.string().optional(),
  /** Key file used when no masterKey is configured; created on first start. Default `<data dir>/master.key`. */
  keyFile: z.string().optional(),
  /** Lower the argon2 cost for test suites that create many users; never in production. */
  fastPasswordHashing: z.enum(["true", "false"]).default("false"),
  prometheusUrl: z.string().url().optional().describe("Prometheus that release analysis queries (PromQL gates)"),
  deployTimeoutSeconds: z.coerce.number().int().min(10).max(86_400).default(300).describe("How long a release step may wait for healthy replicas"),
  buildRegistry: z.string().optional().describe("Registry git builds push to (host[:port]); builds are off without it"),
  buildDockerHost: z.string().default("unix:///var/run/docker.sock").describe("Docker engine that runs builds"),
  allowLocalGit: z.enum(["true", "false"]).default("false").describe("Accept local paths as git sources (tests, single-machine setups)"),
  acmeDirectory: z.string().url().optional().describe("ACME directory certificates are issued from (e.g. Let's Encrypt); off without it"),
  acmeEmail: z.string().optional(),
  acmeCaFile: z.string().optional().describe("PEM root the ACME directory's TLS is signed by, when private (Pebble, an internal CA)"),
  dnsServer: z.string().optional().describe("DNS server (host:port) for domain ownership checks; the system resolver otherwise"),
  httpChallengePort: z.coerce.number().int().min(1).max(65535).default(80).describe("Port the router answers HTTP challenges on"),
  domainSweepSeconds: z.coerce.number().int().min(1).max(86_400).default(60).describe("How often pending domains are checked and certificates renewed"),
  autoscaleIntervalSeconds: z.coerce.number().int().min(1).max(3600).default(15).describe("How often Meridian's Swarm autoscaler samples CPU"),
  insecureRegistries: z.string().default("").describe("Comma-separated registries spoken to over plain HTTP (loopback always is)"),
});
export type Config = Readonly<z.infer<typeof Config>>;

const envNames: Record<keyof z.infer<typeof Config>, string> = {
  port: "MERIDIAN_PORT",
  host: "MERIDIAN_HOST",
  dataDir: "MERIDIAN_DATA_DIR",
  databaseUrl: "MERIDIAN_DATABASE_URL",
  bootstrapPassword: "MERIDIAN_BOOTSTRAP_PASSWORD",
  publicUrl: "MERIDIAN_PUBLIC_URL",
  logLevel: "MERIDIAN_LOG_LEVEL",
  sessionIdleMinutes: "MERIDIAN_SESSION_IDLE_MINUTES",
  sessionAbsoluteHours: "MERIDIAN_SESSION_ABSOLUTE_HOURS",
  cookieSecure: "MERIDIAN_COOKIE_SECURE",
  smtpUrl: "MERIDIAN_SMTP_URL",
  smtpFrom: "MERIDIAN_SMTP_FROM",
  webDir: "MERIDIAN_WEB_DIR",
  trustProxy: "MERIDIAN_TRUST_PROXY",
  fastPasswordHashing: "MERIDIAN_FAST_PASSWORD_HASHING",
  readCache: "MERIDIAN_READ_CACHE",
  masterKey: "MERIDIAN_MASTER_KEY",
  keyFile: "MERIDIAN_KEY_FILE",
  prometheusUrl: "MERIDIAN_PROMETHEUS_URL",
  deployTimeoutSeconds: "MERIDIAN_DEPLOY_TIMEOUT_SECONDS",
  insecureRegistries: "MERIDIAN_INSECURE_REGISTRIES",
  buildRegistry: "MERIDIAN_BUILD_REGISTRY",
  autoscaleIntervalSeconds: "MERIDIAN_AUTOSCALE_INTERVAL_SECONDS",
  domainSweepSeconds: "MERIDIAN_DOMAIN_SWEEP_SECONDS",
  acmeDirectory: "MERIDIAN_ACME_DIRECTORY",
  acmeEmail: "MERIDIAN_ACME_EMAIL",
  acmeCaFile: "MERIDIAN_ACME_CA_FILE",
  dnsServer: "MERIDIAN_DNS_SERVER",
  httpChallengePort: "MERIDIAN_HTTP_CHALLENGE_PORT",
  buildDockerHost: "MERIDIAN_BUILD_DOCKER_HOST",
  allowLocalGit: "MERIDIAN_ALLOW_LOCAL_GIT",
};
const secretKeys = new Set(["databaseUrl", "bootstrapPassword", "smtpUrl", "masterKey"]);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Reads `<NAME>_FILE` secret files through `readFile` (injected so tests need no files). */
export function loadConfig(
  flags: Partial<Record<keyof z.infer<typeof Config>, unknown>>,
  env: Record<string, string | undefined>,
  readFile: (path: string) => string,
): Config {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, name] of Object.entries(envNames)) {
    const flag = flags[key as keyof typeof flags];
    if (flag !== undefined) raw[key] = flag;
    else if (env[name] !== undefined && env[name] !== "") raw[key] = env[name];
    else if (env[`${name}_FILE`]) {
      try {
        raw[key] = readFile(env[`${name}_FILE`] as string).trim();
      } catch (e) {
        problems.push(`${name}_FILE: cannot read ${env[`${name}_FILE`]}: ${(e as Error).message}`);
      }
    }
  }
  const parsed = Config.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "");
      problems.push(`${envNames[key as keyof typeof envNames] ?? key}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return Object.freeze({ ...parsed.data, dataDir: resolve(parsed.data.dataDir) });
}

/** The config with secrets replaced, for logs. */
export function redactConfig(config: Config): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, secretKeys.has(k) && v ? "[redacted]" : v]));
}
