import { readFileSync } from "node:fs";
import type { Domain } from "@meridian/core";
import type { Command } from "commander";
import { checkAppName, type ProjectTarget, resolveProjectTarget } from "../apps/target.js";
import type { CliEnv } from "../config.js";
import { CliError, UsageError } from "../errors.js";
import { type Column, formatRelativeTime } from "../output.js";
import { resolveEnvironmentId } from "../resolve.js";
import { type Runtime, withRuntime } from "../runtime.js";

const hostLabel = (d: Pick<Domain, "host" | "path">) => `${d.host}${d.path === "/" ? "" : d.path}`;

/** `2026-03-01 (in 30d)` */
export function formatExpiry(notAfter: string | null, now = Date.now()): string | null {
  return notAfter ? `${notAfter.slice(0, 10)} (${formatRelativeTime(notAfter, now)})` : null;
}

/** The problem worth a column: why verification fails while unverified, else the certificate's last error. */
const problemOf = (d: Domain) => (d.verification.verified ? d.certificate.lastError : (d.verification.lastError ?? d.certificate.lastError));

const listColumns: Column<Domain>[] = [
  { header: "Host", value: (d) => hostLabel(d), max: 60 },
  { header: "Env", value: (d) => d.environmentSlug },
  { header: "Verified", value: (d) => d.verification.verified },
  { header: "Certificate", value: (d) => d.certificate.state },
  { header: "Expires", value: (d) => formatExpiry(d.certificate.notAfter) },
  { header: "Error", value: (d) => problemOf(d), max: 100 },
];

export function registerDomainCommands(program: Command, env: CliEnv): void {
  const domains = program
    .command("domains")
    .alias("domain")
    .description("Domains an app routes (spec.routes, once deployed): ownership verification and TLS certificates");
  const target = (cmd: Command) =>
    cmd.option("-p, --project <project>", "project slug, name or id (required)").option("-e, --env <env>", "environment (needed when the host is routed in several)");
  domains
    .command("list <app>", { isDefault: true })
    .alias("ls")
    .description("The app's domains per environment: verified or not, certificate state and expiry, the last error")
    .option("-p, --project <project>", "project slug, name or id (required)")
    .action(withRuntime(env, listDomains));
  target(domains.command("verify <app> <host>").description("Check ownership now (DNS TXT record, else the router's HTTP challenge); a certificate is issued right after when the server has ACME"))
    .addHelpText(
      "after",
      `
When the domain is not verified, prints the TXT record to add (exit 1, with the server's reason). HOST may carry
the route's path (shop.example.com/api) when the app routes several paths of one host.`,
    )
    .action(withRuntime(env, verifyDomain));
  target(domains.command("certificate <app> <host>").alias("cert").description("Issue the domain's certificate through ACME now, or upload your own"))
    .option("--issue", "issue (or renew) through the server's ACME CA; the domain must be verified")
    .option("--cert-file <file>", "certificate chain (PEM), leaf first")
    .option("--key-file <file>", "its private key (PEM); encrypted at rest, never shown again")
    .addHelpText(
      "after",
      `
Examples:
  meridian domains certificate web shop.example.com --project shop --issue
  meridian domains certificate web shop.example.com --project shop --env prod --cert-file fullchain.pem --key-file key.pem`,
    )
    .action(withRuntime(env, certificate));
}

async function listDomains(rt: Runtime, [app]: string[], opts: { project?: string }): Promise<void> {
  const name = checkAppName(app);
  const t = await resolveProjectTarget(rt, opts.project);
  const { items } = await t.client.call("listAppDomains", { params: { orgId: t.orgId, projectId: t.projectId, app: name } });
  rt.printer.list(items, listColumns, `No domains of ${name}; they come from spec.routes once the app is deployed to an environment.`);
}

interface DomainTarget extends ProjectTarget {
  app: string;
  domain: Domain;
}

/** Domains are addressed by host (and path, when given), in one environment when --env says which. */
async function resolveDomain(rt: Runtime, app: string | undefined, host: string | undefined, opts: { project?: string; env?: string }): Promise<DomainTarget> {
  const name = checkAppName(app);
  if (!host) throw new UsageError("HOST is required");
  const t = await resolveProjectTarget(rt, opts.project);
  const environmentId = opts.env ? await resolveEnvironmentId(t.client, t.orgId, t.projectId, opts.env) : undefined;
  const { items } = await t.client.call("listAppDomains", { params: { orgId: t.orgId, projectId: t.projectId, app: name } });
  const wanted = host.toLowerCase().replace(/\.$/, "");
  const slash = wanted.indexOf("/");
  const matches = items.filter((d) => (slash >= 0 ? hostLabel(d).toLowerCase() === wanted || `${d.host}${d.path}`.toLowerCase() === wanted : d.host.toLowerCase() === wanted) && (!environmentId || d.environmentId === environmentId));
  if (matches.length === 0) {
    const known = items.map((d) => `${hostLabel(d)} (${d.environmentSlug})`);
    const where = opts.env ? ` in ${opts.env}` : "";
    throw new CliError(`${name} routes no domain ${host}${where}; ${known.length > 0 ? `its domains: ${known.join(", ")}` : "it has none yet (domains come from spec.routes once deployed)"}`);
  }
  if (matches.length > 1) {
    const envs = new Set(matches.map((d) => d.environmentId));
    const choices = matches.map((d) => `${hostLabel(d)} (${d.environmentSlug})`).join(", ");
    throw new UsageError(envs.size > 1 ? `${host} is routed in several environments (${choices}); say which with --env` : `${host} is routed with several paths (${choices}); give HOST/PATH`);
  }
  return { ...t, app: name, domain: matches[0] as Domain };
}

const domainParams = (t: DomainTarget) => ({ orgId: t.orgId, projectId: t.projectId, app: t.app, domainId: t.domain.id });

function describeCertificate(d: Domain): string {
  const c = d.certificate;
  const label = `certificate of ${hostLabel(d)} (${d.environmentSlug})`;
  const valid = c.notAfter ? `, valid until ${formatExpiry(c.notAfter)}` : "";
  switch (c.state) {
    case "issued":
      return `${label} issued${c.issuer ? ` by ${c.issuer}` : ""}${valid}${c.renewAt ? `; renews ${c.renewAt.slice(0, 10)}` : ""}`;
    case "uploaded":
      return `${label} uploaded${c.issuer ? ` (issuer ${c.issuer})` : ""}${valid}; renewing it is up to you`;
    case "pending":
      return `${label} is being issued`;
    case "failed":
      return `${label} failed${c.lastError ? `: ${c.lastError}` : ""}`;
    default:
      return `${label}: none yet`;
  }
}

async function verifyDomain(rt: Runtime, [app, host]: string[], opts: { project?: string; env?: string }): Promise<void> {
  const t = await resolveDomain(rt, app, host, opts);
  const d = await t.client.call("verifyAppDomain", { params: domainParams(t) });
  const table = rt.printer.format === "table";
  if (!table) rt.printer.item(d, []);
  const label = `${hostLabel(d)} (${d.environmentSlug})`;
  const again = `meridian domains verify ${t.app} ${host} --project ${t.projectRef}${opts.env ? ` --env ${opts.env}` : ""}`;
  if (!d.verification.verified) {
    if (table) {
      const r = d.verification.dnsRecord;
      process.stdout.write(
        [
          `${label} is not verified. Prove you own it with this DNS record:`,
          `  ${r.type}  ${r.name}  "${r.value}"`,
          `or point ${d.host} at the app's router, so that ${d.verification.httpUrl} answers. Then: ${again}`,
          "",
        ].join("\n"),
      );
    }
    throw new CliError(`${label} is not verified${d.verification.lastError ? `: ${d.verification.lastError}` : ""}`);
  }
  if (table) {
    process.stdout.write(`${label} verified\n`);
    process.stdout.write(`${describeCertificate(d)}\n`);
    if (d.certificate.state === "none") {
      rt.printer.note(`hint: issue one with \`meridian domains certificate ${t.app} ${host} --project ${t.projectRef} --issue\` (ACME) or upload one with --cert-file F --key-file K`);
    }
  }
  if (d.certificate.state === "failed") throw new CliError(`${describeCertificate(d)}`);
}

function readPem(flag: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${flag} ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
}

async function certificate(rt: Runtime, [app, host]: string[], opts: { project?: string; env?: string; issue?: boolean; certFile?: string; keyFile?: string }): Promise<void> {
  const upload = opts.certFile !== undefined || opts.keyFile !== undefined;
  if (opts.issue && upload) throw new UsageError("give --issue, or --cert-file and --key-file, not both");
  if (!opts.issue && !upload) throw new UsageError("give --issue (ACME) or --cert-file F --key-file K (your own certificate)");
  if (upload && (opts.certFile === undefined || opts.keyFile === undefined)) throw new UsageError("an upload needs both --cert-file and --key-file");
  const body = upload ? { certificatePem: readPem("--cert-file", opts.certFile as string), privateKeyPem: readPem("--key-file", opts.keyFile as string) } : null;
  const t = await resolveDomain(rt, app, host, opts);
  const d = body ? await t.client.call("uploadDomainCertificate", { params: domainParams(t), body }) : await t.client.call("issueDomainCertificate", { params: domainParams(t) });
  if (d.certificate.state === "failed") {
    if (rt.printer.format !== "table") rt.printer.item(d, []);
    throw new CliError(describeCertificate(d));
  }
  rt.printer.done(describeCertificate(d), d);
}
