import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase, type Database, type EmbeddedPostgresHandle, migrate, startEmbeddedPostgres } from "@meridian/db";
import { createAccessService } from "./access/access-service.js";
import { createAppHandlers } from "./apps/app-handlers.js";
import { createAutoscaler } from "./apps/autoscaler.js";
import { createReleaseEngine } from "./apps/release-engine.js";
import { createReleaseHandlers, deployBuiltImage } from "./apps/release-handlers.js";
import { createSecretHandlers } from "./apps/secret-handlers.js";
import { createBuildHandlers } from "./builds/build-handlers.js";
import { createDomainHandlers } from "./domains/domain-handlers.js";
import { createDomainService } from "./domains/domain-service.js";
import { createLookup } from "./domains/lookup.js";
import { createBuildRunner } from "./builds/build-runner.js";
import { parseDockerHost } from "./builds/docker-engine.js";
import { createBindingHandlers } from "./access/bindings.js";
import { createRoleHandlers } from "./access/roles.js";
import { createAuditHandlers } from "./audit/audit-handlers.js";
import { purgeExpiredAuditEvents } from "./audit/retention.js";
import { createClusterHandlers } from "./clusters/cluster-handlers.js";
import { createClusterManager } from "./clusters/cluster-manager.js";
import { registerClusterMetrics } from "./clusters/cluster-metrics.js";
import { findClusterRow, listTargets, toClusterView } from "./clusters/cluster-view.js";
import { createInventoryHandlers } from "./clusters/inventory-handlers.js";
import { createInventoryStore } from "./clusters/inventory-store.js";
import { createResourceHandlers } from "./clusters/resource-handlers.js";
import type { Config } from "./config.js";
import { createCostHandlers } from "./cost/cost-handlers.js";
import { createCostStores } from "./cost/cost-stores.js";
import { buildApp } from "./http/app.js";
import type { Handlers, RequestContext } from "./http/context.js";
import { createMetrics } from "./http/metrics.js";
import { createReadCache } from "./http/read-cache.js";
import { createAuthenticator } from "./identity/authenticator.js";
import { createIdentityHandlers } from "./identity/identity-handlers.js";
import { createLoginThrottle } from "./identity/login-throttle.js";
import { createPasswordHasher } from "./identity/secrets.js";
import { createTokenHandlers } from "./identity/tokens.js";
import { createUser } from "./identity/users.js";
import { createInvitationHandlers } from "./orgs/invitations.js";
import { createSmtpMailer } from "./orgs/mailer.js";
import { createMemberHandlers } from "./orgs/members.js";
import { createOrganizationRecords, createOrgHandlers, syncBuiltinRoles } from "./orgs/organizations.js";
import { createProjectHandlers } from "./orgs/projects.js";
import { createTeamHandlers } from "./orgs/teams.js";
import { createEnvelope } from "./secrets/envelope.js";
import { openKeyRingSource } from "./secrets/master-keys.js";

export const version = "0.1.0";

export interface MeridianHandle {
  url: string;
  port: number;
  /** Set on the first start of an empty database: the admin's password when it was generated. */
  bootstrap: { username: string; password: string | null } | null;
  stop(): Promise<void>;
}

const defaultWebDir = fileURLToPath(new URL("../../web/dist/", import.meta.url));

async function openDatabase(config: Config): Promise<{ db: Database; embedded: EmbeddedPostgresHandle | null }> {
  if (config.databaseUrl) return { db: createDatabase({ connectionString: config.databaseUrl, max: 10 }), embedded: null };
  const embedded = await startEmbeddedPostgres({ dir: join(config.dataDir, "postgres") });
  const admin = createDatabase({ ...embedded.connection, max: 1 });
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'meridian'");
    if (exists.rowCount === 0) await admin.query("CREATE DATABASE meridian");
  } finally {
    await admin.close();
  }
  return { db: createDatabase({ ...embedded.connection, database: "meridian", max: 10 }), embedded };
}

/** On an empty database: the `admin` user and a default organization it owns. */
async function bootstrap(db: Database, config: Config, hash: (p: string) => Promise<string>): Promise<MeridianHandle["bootstrap"]> {
  return db.transaction(async (tx) => {
    await tx.query("LOCK TABLE users IN EXCLUSIVE MODE");
    const any = await tx.query("SELECT 1 FROM users LIMIT 1");
    if (any.rowCount !== 0) return null;
    const generated = config.bootstrapPassword ? null : randomBytes(18).toString("base64url");
    const now = new Date();
    const user = await createUser(tx, { username: "admin", displayName: "Administrator", passwordHash: await hash(config.bootstrapPassword ?? (generated as string)) }, now);
    await createOrganizationRecords(tx, { slug: "default", name: "Default organization", ownerId: user.id }, now);
    return { username: "admin", password: generated };
  });
}

/** The composition root of `meridian up`: database, services, HTTP server and background jobs. */
export async function startMeridian(config: Config): Promise<MeridianHandle> {
  const { db, embedded } = await openDatabase(config);
  let shuttingDown = false;
  try {
    await migrate(db);
    await syncBuiltinRoles(db);
    const passwords = createPasswordHasher(config.fastPasswordHashing === "true");
    const boot = await bootstrap(db, config, passwords.hash);
    const access = createAccessService({ db });
    const auth = createAuthenticator({ db, policy: { idleMs: config.sessionIdleMinutes * 60_000, absoluteMs: config.sessionAbsoluteHours * 3_600_000 } });
    const metrics = createMetrics();
    const readCache = config.readCache === "on" ? await createReadCache({ db }) : null;
    const mailer = config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.smtpFrom) : null;
    const publicUrl = (ctx: RequestContext) => {
      if (config.publicUrl) return config.publicUrl.replace(/\/$/, "");
      const req = ctx.reply.request;
      return `${req.protocol}://${req.host}`;
    };
    const keys = await openKeyRingSource({ inline: config.masterKey, file: config.keyFile ?? join(config.dataDir, "master.key") });
    const envelope = createEnvelope({ keyRing: keys.get });
    const store = createInventoryStore();
    let log: (level: "info" | "warn" | "error", msg: string, extra?: object) => void = () => undefined;
    const manager = createClusterManager({ db, envelope, store, log: (level, msg, extra) => log(level, msg, extra), onStatusChange: (orgId, id) => store.notifyCluster(orgId, id) });
    registerClusterMetrics(metrics.registry, { store, manager, clusterIds: manager.ids });
    const loadCluster = async (orgId: string, id: string) => {
      const row = await findClusterRow(db, orgId, id).catch(() => null);
      return row ? toClusterView(row, manager, store, (await listTargets(db, orgId, [row.id])).get(row.id) ?? []) : null;
    };
    const driverFor = (clusterId: string) => manager.connection(clusterId).apps;
    const engine = createReleaseEngine({
      db,
      envelope,
      driverFor,
      log: (level, msg, extra) => log(level, msg, extra),
      prometheusUrl: config.prometheusUrl ?? null,
      deployTimeoutSeconds: config.deployTimeoutSeconds,
      certificatesFor: (orgId, appId, envId) => domains.certificatesFor(db, orgId, appId, envId),
    });
    // Releases react to their objects' changes as the inventory watches see them (like `kubectl rollout status`).
    store.watchAll((change) => {
      const app = change.item.labels["meridian.dev/app"];
      // The workload's own status sums its replicas: pods and tasks would only multiply the wake-ups.
      const workload = change.item.kind === "Deployment" || change.item.kind === "SwarmService";
      if (app && workload && change.item.labels["app.kubernetes.io/managed-by"] === "meridian") engine.nudge(change.item.clusterId, change.item.namespace ?? "", app);
    });
    const autoscaler = createAutoscaler({ db, driverFor, resync: (appId, envId) => engine.resync(appId, envId), intervalSeconds: config.autoscaleIntervalSeconds, log: (level, msg, extra) => log(level, msg, extra) });
    const domains = createDomainService({
      db,
      envelope,
      lookup: createLookup(config.dnsServer ?? null),
      driverFor,
      resync: (appId, envId) => engine.resync(appId, envId),
      acme: config.acmeDirectory ? { directoryUrl: config.acmeDirectory, email: config.acmeEmail ?? null, caFile: config.acmeCaFile ?? null } : null,
      httpChallengePort: config.httpChallengePort,
      sweepSeconds: config.domainSweepSeconds,
      log: (level, msg, extra) => log(level, msg, extra),
    });
    const insecureRegistries = config.insecureRegistries.split(",").map((s) => s.trim()).filter(Boolean);
    const releaseDeps = { engine, envelope, driverFor, insecureRegistries };
    const builds = config.buildRegistry
      ? createBuildRunner({
          db,
          engine: parseDockerHost(config.buildDockerHost),
          registry: config.buildRegistry,
          allowLocalGit: config.allowLocalGit === "true",
          log: (level, msg, extra) => log(level, msg, extra),
          deploy: (build, environmentId, strategy, image, digest) => deployBuiltImage(db, releaseDeps, build, environmentId, strategy, image, digest),
        })
      : null;
    // Bill rows: one DuckDB file per organization under <data dir>/cost (ADR 0006).
    const costStores = createCostStores({ dir: join(config.dataDir, "cost"), threads: 2, memoryLimit: "1GB" });
    const cookieSecure = (ctx: RequestContext) => (config.cookieSecure === "auto" ? ctx.reply.request.protocol === "https" : config.cookieSecure === "true");
    const handlers: Handlers = {
      ...createIdentityHandlers({ auth, access, passwords, throttle: createLoginThrottle(), dummyHash: await passwords.hash(randomBytes(16).toString("hex")), cookieSecure }),
      ...createOrgHandlers({ access }),
      ...createMemberHandlers({ access, forgetTokens: () => auth.forgetTokens() }),
      ...createTeamHandlers({ access }),
      ...createProjectHandlers({ access }),
      ...createInvitationHandlers({ access, mailer, passwords, publicUrl }),
      ...createRoleHandlers({ access }),
      ...createBindingHandlers({ access }),
      ...createTokenHandlers({ auth }),
      ...createAuditHandlers(),
      ...createClusterHandlers({ manager, store, envelope }),
      ...createInventoryHandlers({ store, loadCluster }),
      ...createResourceHandlers({ manager, store }),
      ...createAppHandlers({ engine, driverFor }),
      ...createReleaseHandlers({ ...releaseDeps, builds }),
      ...createBuildHandlers({ runner: builds, envelope, publicUrl }),
      ...createDomainHandlers({ domains }),
      ...createSecretHandlers({ envelope }),
      ...createCostHandlers({ stores: costStores }),
    };
    const app = await buildApp({
      db,
      access,
      auth,
      handlers,
      now: () => new Date(),
      onAudit: () => metrics.auditEvents.inc(),
      readCache: readCache ?? undefined,
      logLevel: config.logLevel,
      trustProxy: config.trustProxy === "true",
      webDir: config.webDir ?? defaultWebDir,
      version,
      metrics,
      isShuttingDown: () => shuttingDown,
    });
    log = (level, msg, extra) => app.log[level](extra ?? {}, msg);
    await app.listen({ port: config.port, host: config.host });
    await manager.start();
    engine.start();
    await builds?.start();
    await domains.start();
    autoscaler.start();
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    const runRetention = () =>
      purgeExpiredAuditEvents(db, new Date())
        .then((r) => {
          for (const p of r) readCache?.invalidate(p.orgId);
          if (r.length > 0) app.log.info({ purged: r }, "audit retention");
        })
        .catch((err: unknown) => app.log.error({ err }, "audit retention failed"));
    const retentionTimer = setInterval(runRetention, 3_600_000);
    retentionTimer.unref();
    void runRetention();
    return {
      url: `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`,
      port,
      bootstrap: boot,
      async stop() {
        shuttingDown = true;
        clearInterval(retentionTimer);
        autoscaler.stop();
        await domains.stop();
        await builds?.stop();
        await engine.stop();
        await manager.stop();
        await app.close();
        await costStores.close();
        await readCache?.close();
        await db.close();
        await embedded?.stop();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
}
