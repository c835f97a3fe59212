import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import fastifyCookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { AppError, httpStatusOf } from "@meridian/core";
import { getMigrationStatus } from "@meridian/db";
import { registerUploadParser } from "../cost/upload.js";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import type { ServerMetrics } from "./metrics.js";
import { buildOpenApiDocument } from "./openapi.js";
import { credentialsOf, newRequestId, type RouteDeps, registerRoutes } from "./register-routes.js";

export interface AppDeps extends RouteDeps {
  logLevel: string;
  trustProxy: boolean;
  webDir: string;
  version: string;
  metrics: ServerMetrics;
  isShuttingDown(): boolean;
}

const rawBodies = new WeakMap<object, string>();
/** The exact text of a request's JSON body. */
export function rawBodyOf(req: { raw: object }): string | undefined {
  return rawBodies.get(req.raw);
}

/** Builds the Fastify app: middleware order, error mapping, health, metrics, docs, web UI and every route. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: deps.logLevel, redact: ["req.headers.authorization", "req.headers.cookie", "req.headers[\"x-csrf-token\"]"] },
    trustProxy: deps.trustProxy,
    genReqId: (req) => newRequestId(req.headers["x-request-id"]),
    bodyLimit: 1024 * 1024,
    // Per-request lines are logged in onResponse only for errors and at debug level (hot path stays quiet).
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 200 },
  });
  await app.register(fastifyCookie);
  // JSON bodies are parsed by Fastify's own parser (prototype-poisoning checks included); the text is kept for
  // routes that verify a signature over the exact bytes (push webhooks).
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    rawBodies.set(req.raw, body as string);
    parseJson(req, body as string, done);
  });
  // Bill files (CSV, Parquet) are streamed to a temp file instead, up to 1 GiB, on the import route only.
  // Only an authenticated caller gets bytes written to disk (the route itself then authorizes as usual).
  registerUploadParser(app, {
    limitBytes: 2 ** 30,
    accept: /\/cost\/imports$/,
    admit: async (req) => (await deps.auth.authenticate({ ...credentialsOf(req), ip: req.ip ?? null }, new Date()).catch(() => null)) !== null,
  });

  app.addHook("onRequest", async (req, reply) => {
    reply.header("x-request-id", req.id);
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "same-origin");
    reply.header("x-frame-options", "DENY");
  });
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    deps.metrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    deps.metrics.duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500 || deps.logLevel === "debug" || deps.logLevel === "trace") {
      req.log.info({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, "request");
    }
  });

  // One error handler: AppError codes map to HTTP statuses; anything else is an internal error whose details stay in the log.
  app.setErrorHandler((err, req, reply) => {
    let appErr: AppError;
    if (err instanceof AppError) appErr = err;
    else if ((err as { validation?: unknown }).validation || (err as { statusCode?: number }).statusCode === 400) {
      appErr = new AppError("invalid_input", (err as Error).message);
    } else if ((err as { statusCode?: number }).statusCode === 413) appErr = new AppError("invalid_input", "request body too large (1 MiB at most)");
    else if ((err as { statusCode?: number }).statusCode === 415) appErr = new AppError("invalid_input", "send JSON (content-type: application/json)");
    else {
      req.log.error({ err }, "unhandled error");
      appErr = new AppError("internal", `internal error (request ${req.id})`);
    }
    if (appErr.code === "internal" && err instanceof AppError) req.log.error({ err }, "internal error");
    reply.code(httpStatusOf(appErr.code)).header("cache-control", "no-store").send({ error: { code: appErr.code, message: appErr.message, ...(appErr.details ? { details: appErr.details } : {}) } });
  });

  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_req, reply) => {
    if (deps.isShuttingDown()) return reply.code(503).send({ status: "shutting_down" });
    try {
      await deps.db.ping();
      const m = await getMigrationStatus(deps.db);
      if (m.pending.length > 0) return reply.code(503).send({ status: "migrations_pending", pending: m.pending });
      return { status: "ready", migrations: m.applied.length };
    } catch (e) {
      return reply.code(503).send({ status: "database_unreachable", error: (e as Error).message });
    }
  });
  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  const openapi = buildOpenApiDocument(deps.version);
  app.get("/api/openapi.json", async () => openapi);
  await app.register(fastifySwagger, { mode: "static", specification: { document: openapi as never } });
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs", staticCSP: true });

  registerRoutes(app, deps);

  app.all("/api/*", async () => {
    throw new AppError("not_found", "no such API route");
  });

  const hasWeb = existsSync(join(deps.webDir, "index.html"));
  if (hasWeb) {
    await app.register(fastifyStatic, { root: deps.webDir, prefix: "/", wildcard: false, index: false, maxAge: "1h" });
  }
  const indexHtml = hasWeb ? await readFile(join(deps.webDir, "index.html"), "utf8") : null;
  // SPA fallback: every other GET renders the web UI, whose router takes over.
  app.setNotFoundHandler(async (req, reply) => {
    if (req.method !== "GET" || req.url.startsWith("/api/")) throw new AppError("not_found", "not found");
    if (!indexHtml) {
      return reply.type("text/html").send(`<!doctype html><title>Meridian</title><p>The web UI is not built. Run <code>npm run build -w @meridian/web</code>. The API is at <a href="/api/docs">/api/docs</a>.</p>`);
    }
    return reply.type("text/html").header("cache-control", "no-cache").send(indexHtml);
  });
  return app;
}
