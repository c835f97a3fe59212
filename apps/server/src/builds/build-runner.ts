import { randomUUID } from "node:crypto";
import { AppError, AppSpec, type Build, Strategy } from "@meridian/core";
import type { Database, Queryable } from "@meridian/db";
import type { AppRow } from "../apps/app-records.js";
import type { RequestContext } from "../http/context.js";
import type { BuildRow } from "./build-records.js";
import { toBuild } from "./build-records.js";
import { buildImage, type EngineTarget, pushImage } from "./docker-engine.js";
import { checkoutSource, safeSubpath, tarContext } from "./git-source.js";

/**
 * Builds run one at a time per Meridian process (a build saturates this machine's cores), in the order queued.
 * A build that was running when Meridian stopped is queued again on start: the same commit builds the same image.
 * Once pushed, the build creates a release in each environment it was asked to deploy to, through the same path as
 * an image deploy (secrets pinned, routes claimed, digest given).
 */
export interface BuildRunnerDeps {
  db: Database;
  engine: EngineTarget;
  registry: string;
  allowLocalGit: boolean;
  log(level: "info" | "warn" | "error", msg: string, extra?: object): void;
  /** Creates the release of a pushed image in one environment (the deploy path), as the build's author. */
  deploy(build: BuildRow, environmentId: string, strategy: Strategy | null, image: string, digest: string): Promise<number>;
}

export interface BuildLogLine {
  source: string;
  time: string;
  line: string;
}

export function createBuildRunner(deps: BuildRunnerDeps) {
  const live = new Map<string, { lines: BuildLogLine[]; listeners: Set<(l: BuildLogLine | null) => void> }>();
  let stopped = false;
  let running: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  const controller = new AbortController();

  async function runOne(b: BuildRow): Promise<void> {
    const db = deps.db;
    const entry = { lines: [] as BuildLogLine[], listeners: new Set<(l: BuildLogLine | null) => void>() };
    live.set(b.id, entry);
    let pending = "";
    let persisted = 0;
    const log = (text: string) => {
      pending += text;
      let nl = pending.indexOf("\n");
      while (nl >= 0) {
        const line: BuildLogLine = { source: `build ${b.number}`, time: new Date().toISOString(), line: pending.slice(0, nl) };
        pending = pending.slice(nl + 1);
        entry.lines.push(line);
        for (const l of entry.listeners) l(line);
        nl = pending.indexOf("\n");
      }
    };
    const flush = async () => {
      const fresh = entry.lines.slice(persisted);
      persisted = entry.lines.length;
      if (fresh.length > 0) await db.query("UPDATE builds SET log = log || $2 WHERE id = $1", [b.id, fresh.map((l) => `${l.line}\n`).join("")]);
    };
    const flusher = setInterval(() => void flush().catch(() => undefined), 1000);
    const app = await db.query<{ spec: unknown; slug: string; project_slug: string }>("SELECT a.spec, a.slug, p.slug AS project_slug FROM apps a JOIN projects p ON p.id = a.project_id WHERE a.id = $1", [b.app_id]);
    const row = app.rows[0];
    let checkout: Awaited<ReturnType<typeof checkoutSource>> | null = null;
    try {
      if (!row) throw new AppError("not_found", "the app was deleted");
      const spec = AppSpec.parse(row.spec);
      if (!("git" in spec.source)) throw new AppError("invalid_input", "the app no longer builds from git");
      const git = spec.source.git;
      checkout = await checkoutSource(git.url, b.ref, { allowLocal: deps.allowLocalGit, log });
      await db.query("UPDATE builds SET commit = $2 WHERE id = $1", [b.id, checkout.commit]);
      const name = `${deps.registry}/${row.project_slug}/${row.slug}`;
      const tag = checkout.commit.slice(0, 12);
      log(`$ docker build -t ${name}:${tag} -f ${git.dockerfile} ${git.context}\n`);
      await buildImage(
        deps.engine,
        await tarContext(checkout.dir, git.context),
        { tag: `${name}:${tag}`, dockerfile: safeSubpath(git.dockerfile, "the Dockerfile"), labels: { "org.opencontainers.image.revision": checkout.commit, "org.opencontainers.image.source": git.url, "meridian.dev/app": row.slug } },
        log,
        controller.signal,
      );
      log(`$ docker push ${name}:${tag}\n`);
      const digest = await pushImage(deps.engine, name, tag, log, controller.signal);
      log(`pushed ${name}@${digest}\n`);
      await db.query("UPDATE builds SET image = $2, digest = $3 WHERE id = $1", [b.id, `${name}:${tag}`, digest]);
      const releases: Build["releases"] = [];
      for (const target of b.deploy_to) {
        try {
          const number = await deps.deploy(b, target.environmentId, target.strategy ? Strategy.parse(target.strategy) : null, `${name}:${tag}`, digest);
          releases.push({ environmentId: target.environmentId, number, error: null });
          log(`release ${number} created\n`);
        } catch (err) {
          releases.push({ environmentId: target.environmentId, number: null, error: (err as Error).message });
          log(`deploy refused: ${(err as Error).message}\n`);
        }
      }
      await flush();
      await db.query("UPDATE builds SET state = 'succeeded', releases = $2, finished_at = now(), reason = $3 WHERE id = $1", [
        b.id,
        JSON.stringify(releases),
        releases.some((r) => r.error) ? "built and pushed; a deploy was refused" : "built and pushed",
      ]);
    } catch (err) {
      if (stopped) return;
      log(`error: ${(err as Error).message}\n`);
      await flush();
      await db.query("UPDATE builds SET state = 'failed', reason = $2, finished_at = now() WHERE id = $1", [b.id, (err as Error).message.slice(0, 2000)]);
    } finally {
      clearInterval(flusher);
      await flush().catch(() => undefined);
      await checkout?.cleanup();
      for (const l of entry.listeners) l(null);
      live.delete(b.id);
    }
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      const r = await deps.db.query<BuildRow>(
        "UPDATE builds SET state = 'running', started_at = now(), log = '' WHERE id = (SELECT id FROM builds WHERE state = 'queued' ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *",
      );
      const b = r.rows[0];
      if (!b) {
        await new Promise<void>((res) => {
          wake = res;
          setTimeout(res, 2000).unref();
        });
        continue;
      }
      await runOne(b).catch((err: unknown) => deps.log("error", "build runner failed", { err: String(err) }));
    }
  }

  return {
    async start() {
      // Builds cut off by a stop or crash run again from the start.
      await deps.db.query("UPDATE builds SET state = 'queued', reason = 'requeued after a restart' WHERE state = 'running'");
      running = loop();
    },
    async enqueue(ctx: RequestContext, app: AppRow, req: { ref: string; deployTo: { environmentId: string; strategy: Strategy | null }[]; trigger: "manual" | "webhook" }, user?: { id: string | null; name: string }): Promise<Build> {
      const db: Queryable = ctx.db;
      await db.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`build|${app.id}`]);
      const n = await db.query<{ n: number }>("SELECT coalesce(max(number), 0)::int + 1 AS n FROM builds WHERE app_id = $1", [app.id]);
      const actor = user ?? (ctx.actor ? { id: ctx.actor.userId, name: ctx.actor.username } : { id: null, name: "webhook" });
      const r = await db.query<BuildRow>(
        "INSERT INTO builds (id, org_id, app_id, number, ref, trigger, deploy_to, created_at, created_by, created_by_name) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING *",
        [randomUUID(), app.org_id, app.id, n.rows[0]?.n ?? 1, req.ref, req.trigger, JSON.stringify(req.deployTo), ctx.now.toISOString(), actor.id, actor.name],
      );
      ctx.afterCommit(() => wake?.());
      return toBuild(r.rows[0] as BuildRow);
    },
    /** Lines so far and, while the build runs, the ones that follow (null when it ended). */
    follow(buildId: string, onLine: (l: BuildLogLine | null) => void): { lines: BuildLogLine[]; stop: () => void } | null {
      const e = live.get(buildId);
      if (!e) return null;
      e.listeners.add(onLine);
      return { lines: [...e.lines], stop: () => e.listeners.delete(onLine) };
    },
    async stop() {
      stopped = true;
      controller.abort();
      wake?.();
      await running;
    },
  };
}
export type BuildRunner = ReturnType<typeof createBuildRunner>;
