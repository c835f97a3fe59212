import { AppError } from "@meridian/core";
import type { Queryable } from "@meridian/db";
import { getAppRow } from "../apps/app-records.js";
import type { Handlers, RequestContext } from "../http/context.js";
import { requireOrg } from "../http/context.js";
import { domainSelect, type DomainRow, toDomain } from "./domain-records.js";
import type { DomainService } from "./domain-service.js";

type DomainHandlers = Pick<Handlers, "listAppDomains" | "verifyAppDomain" | "issueDomainCertificate" | "uploadDomainCertificate">;

async function domainOf(ctx: RequestContext, params: { projectId: string; app: string; domainId: string }): Promise<DomainRow> {
  const app = await getAppRow(ctx.db, requireOrg(ctx).id, params.projectId, params.app);
  const r = await ctx.db.query<DomainRow>(`${domainSelect} WHERE d.app_id = $1 AND d.id = $2`, [app.id, params.domainId]);
  if (!r.rows[0]) throw new AppError("not_found", "domain not found for this app");
  return r.rows[0];
}
const reload = async (db: Queryable, id: string) => (await db.query<DomainRow>(`${domainSelect} WHERE d.id = $1`, [id])).rows[0] as DomainRow;

export function createDomainHandlers(deps: { domains: DomainService }): DomainHandlers {
  return {
    async listAppDomains(ctx, { params }) {
      const app = await getAppRow(ctx.db, requireOrg(ctx).id, params.projectId, params.app);
      const r = await ctx.db.query<DomainRow>(`${domainSelect} WHERE d.app_id = $1 ORDER BY e.position, d.host, d.path`, [app.id]);
      return { items: r.rows.map(toDomain) };
    },
    async verifyAppDomain(ctx, { params }) {
      const d = await domainOf(ctx, params);
      // Runs outside the request transaction: it talks to DNS, the router and maybe the CA.
      const after = await deps.domains.verifyThenIssue(d.id);
      ctx.audit.target = { type: "domain", id: d.id, name: d.host };
      ctx.audit.summary = { verified: after.verified_at !== null, certificate: after.certificate.state ?? "none" };
      return toDomain(after);
    },
    async issueDomainCertificate(ctx, { params }) {
      const d = await domainOf(ctx, params);
      const after = await deps.domains.issue(d.id);
      ctx.audit.target = { type: "domain", id: d.id, name: d.host };
      ctx.audit.summary = { certificate: after.certificate.state ?? "none", error: after.certificate.error ?? null };
      return toDomain(after);
    },
    async uploadDomainCertificate(ctx, { params, body }) {
      const d = await domainOf(ctx, params);
      await deps.domains.upload(ctx.db, d.id, body.certificatePem, body.privateKeyPem);
      ctx.audit.target = { type: "domain", id: d.id, name: d.host };
      ctx.audit.summary = { source: "upload" };
      ctx.afterCommit(() => void deps.domains.applyLater(d.app_id, d.environment_id));
      return toDomain(await reload(ctx.db, d.id));
    },
  };
}
