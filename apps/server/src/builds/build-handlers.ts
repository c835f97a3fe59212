import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { AppError, AppSpec, type LogLine } from "@meridian/core";
import type { Queryable } from "@meridian/db";
import { getAppRow } from "../apps/app-records.js";
import type { Handlers, RequestContext } from "../http/context.js";
import { requireOrg } from "../http/context.js";
import { rawBodyOf } from "../http/app.js";
import { respondWithLogLines } from "../http/ndjson-logs.js";
import type { Envelope } from "../secrets/envelope.js";
import { type BuildRow, toBuild } from "./build-records.js";
import type { BuildRunner } from "./build-runner.js";

type BuildHandlers = Pick<Handlers, "listBuilds" | "getBuild" | "streamBuildLogs" | "getAppWebhook" | "putAppWebhook" | "deleteAppWebhook" | "receivePushHook">;

const webhookContext = (appId: string) => ({ resourceType: "app", resourceId: appId, field: "webhook-secret" });

async function getBuildRow(db: Queryable, appId: string, number: number): Promise<BuildRow> {
  const r = await db.query<BuildRow>("SELECT * FROM builds WHERE app_id = $1 AND number = $2", [appId, number]);
  if (!r.rows[0]) throw new AppError("not_found", `build ${number} not found`);
  return r.rows[0];
}

/** `sha256=<hex>` over the exact body, compared in constant time. */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const want = Buffer.from(createHmac("sha256", secret).update(body).digest("hex"));
  const got = Buffer.from(header.slice(7));
  return want.length === got.length && timingSafeEqual(want, got);
}

export function createBuildHandlers(deps: { runner: BuildRunner | null; envelope: Envelope; publicUrl: (ctx: RequestContext) => string }): BuildHandlers {
  const webhookView = (ctx: RequestContext, appId: string, row: { environments: string[]; created_at: string }, secret: string | null) => ({
    url: `${deps.publicUrl(ctx)}/api/v1/hooks/apps/${appId}`,
    secret,
    environments: row.environments,
    createdAt: row.created_at,
  });
  return {
    async listBuilds(ctx, { params }) {
      const app = await getAppRow(ctx.db, requireOrg(ctx).id, params.projectId, params.app);
      const r = await ctx.db.query<BuildRow>("SELECT * FROM builds WHERE app_id = $1 ORDER BY number DESC LIMIT 100", [app.id]);
      return { items: r.rows.map(toBuild) };
    },
    async getBuild(ctx, { params }) {
      const app = await getAppRow(ctx.db, requireOrg(ctx).id, params.projectId, params.app);
      return toBuild(await getBuildRow(ctx.db, app.id, params.number));
    },
    async streamBuildLogs(ctx, { params, query }) {
      const app = await getAppRow(ctx.db, requireOrg(ctx).id, params.projectId, params.app);
      const b = await getBuildRow(ctx.db, app.id, params.number);
      const runner = deps.runner;
      const source = `build ${b.number}`;
      // One cursor over the build's lines: what the row has stored, then (when this process runs the build) the
      // live lines, which continue the same list (the stored log is reset when a run starts).
      async function* lines(signal: AbortSignal): AsyncGenerator<LogLine> {
        let seen = 0;
        while (!signal.aborted) {
          const queue: (LogLine | null)[] = [];
          let wake: (() => void) | null = null;
          const live = query.follow
            ? runner?.follow(b.id, (l) => {
                queue.push(l);
                wake?.();
              })
            : null;
          if (live) {
            try {
              for (const l of live.lines.slice(seen)) yield l;
              for (;;) {
                while (queue.length === 0 && !signal.aborted) await new Promise<void>((r) => (wake = r));
                const l = queue.shift();
                if (!l || signal.aborted) return;
                yield l;
              }
            } finally {
              live.stop();
            }
          }
          const row = (await ctx.db.query<{ log: string; state: string }>("SELECT log, state FROM builds WHERE id = $1", [b.id])).rows[0];
          const stored = (row?.log ?? "").split("\n").filter(Boolean);
          for (const line of stored.slice(seen)) yield { source, time: null, line };
          seen = Math.max(seen, stored.length);
          if (!query.follow || (row?.state !== "queued" && row?.state !== "running")) return;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      return respondWithLogLines(ctx, (signal) => lines(signal as AbortSignal));
    },
    async getAppWebhook(ctx, { params }) {
      const app = await getAppRow(ctx.db, requireOrg(ctx).id, params.projectId, params.app);
      const r = await ctx.db.query<{ environments: string[]; created_at: string }>("SELECT environments, created_at FROM app_webhooks WHERE app_id = $1", [app.id]);
      if (!r.rows[0]) throw new AppError("not_found", `${app.slug} has no push webhook`);
      return webhookView(ctx, app.id, r.rows[0], null);
    },
    async putAppWebhook(ctx, { params, body }) {
      const org = requireOrg(ctx);
      const app = await getAppRow(ctx.db, org.id, params.projectId, params.app);
      if (!("git" in AppSpec.parse(app.spec).source)) throw new AppError("invalid_input", "a push webhook needs an app with a git source");
      const envs = await ctx.db.query<{ id: string }>("SELECT id FROM environments WHERE project_id = $1 AND id = ANY($2::uuid[])", [app.project_id, body.environments]);
      if (envs.rowCount !== new Set(body.environments).size) throw new AppError("invalid_input", "every environment must belong to the app's project");
      const secret = randomBytes(24).toString("base64url");
      const sealed = await deps.envelope.encrypt(ctx.db, org.id, webhookContext(app.id), secret);
      const r = await ctx.db.query<{ environments: string[]; created_at: string }>(
        `INSERT INTO app_webhooks (app_id, org_id, secret, environments, created_at) VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT (app_id) DO UPDATE SET secret = EXCLUDED.secret, environments = EXCLUDED.environments, created_at = EXCLUDED.created_at RETURNING environments, created_at`,
        [app.id, org.id, sealed, JSON.stringify(body.environments), ctx.now.toISOString()],
      );
      ctx.audit.target = { type: "app", id: app.id, name: app.slug };
      ctx.audit.summary = { environments: body.environments.length };
      return webhookView(ctx, app.id, r.rows[0] as { environments: string[]; created_at: string }, secret);
    },
    async deleteAppWebhook(ctx, { params }) {
      const app = await getAppRow(ctx.db, requireOrg(ctx).id, params.projectId, params.app);
      const r = await ctx.db.query("DELETE FROM app_webhooks WHERE app_id = $1", [app.id]);
      if (r.rowCount === 0) throw new AppError("not_found", `${app.slug} has no push webhook`);
      ctx.audit.target = { type: "app", id: app.id, name: app.slug };
      return { ok: true as const };
    },
    async receivePushHook(ctx, { params, body }) {
      const hook = await ctx.db.query<{ org_id: string; secret: string; environments: string[]; project_id: string; slug: string }>(
        "SELECT w.org_id, w.secret, w.environments, a.project_id, a.slug FROM app_webhooks w JOIN apps a ON a.id = w.app_id WHERE w.app_id = $1",
        [params.appId],
      );
      const h = hook.rows[0];
      // The same answer for an unknown app and a bad signature: the endpoint says nothing to strangers.
      const denied = new AppError("unauthenticated", "invalid webhook signature");
      if (!h) throw denied;
      const secret = await deps.envelope.decrypt(ctx.db, h.org_id, webhookContext(params.appId), h.secret);
      const req = ctx.reply.request;
      const sig = (req.headers["x-hub-signature-256"] ?? req.headers["x-meridian-signature"]) as string | undefined;
      if (!verifySignature(secret, rawBodyOf(req) ?? "", sig)) throw denied;
      ctx.audit.orgIds = [h.org_id];
      ctx.audit.actor = { kind: "anonymous", id: null, name: "push webhook" };
      ctx.audit.target = { type: "app", id: params.appId, name: h.slug };
      const app = await getAppRow(ctx.db, h.org_id, h.project_id, h.slug);
      const spec = AppSpec.parse(app.spec);
      if (!("git" in spec.source)) return { build: null, ignored: "the app does not build from git any more" };
      const branch = body.ref.replace(/^refs\/heads\//, "");
      if (branch !== spec.source.git.ref) {
        ctx.audit.summary = { ignored: body.ref };
        return { build: null, ignored: `push to ${body.ref}; the app builds ${spec.source.git.ref}` };
      }
      if (!deps.runner) throw new AppError("unavailable", "this Meridian has no build engine configured");
      const ref = body.after && /^[0-9a-f]{40}$/.test(body.after) ? body.after : spec.source.git.ref;
      const build = await deps.runner.enqueue(ctx, app, { ref, deployTo: h.environments.map((environmentId) => ({ environmentId, strategy: null })), trigger: "webhook" }, { id: null, name: "push webhook" });
      ctx.audit.summary = { build: build.number, ref };
      return { build, ignored: null };
    },
  };
}
