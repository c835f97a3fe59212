import { ErrorBody, type RouteDef, routes } from "@meridian/core";
import { z } from "zod";

const toSchema = (s: z.ZodType, io: "input" | "output") => z.toJSONSchema(s, { io, unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;

function objectParameters(schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const js = toSchema(schema, "input") as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || (js.required ?? []).includes(name),
    schema: s,
    ...(typeof s.description === "string" ? { description: s.description } : {}),
  }));
}

/** OpenAPI 3.1 generated from the contract: the document can never drift from what the server validates. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorRef = { $ref: "#/components/schemas/Error" };
  for (const [id, def] of Object.entries(routes) as [string, RouteDef][]) {
    const path = def.path.replace(/:([a-zA-Z]+)/g, "{$1}");
    const responses: Record<string, unknown> = {
      [String(def.status ?? 200)]: {
        description: "Success",
        content: def.produces
          ? Object.fromEntries(def.produces.map((t) => [t, { schema: { type: "string" } }]))
          : { "application/json": { schema: toSchema(def.response, "output") } },
      },
      default: { description: "Error", content: { "application/json": { schema: errorRef } } },
    };
    for (const code of def.auth.kind === "public" ? ["400"] : ["400", "401", "403", "404"]) {
      responses[code] = { description: { "400": "Invalid input", "401": "Not authenticated", "403": "Not allowed", "404": "Not found" }[code], content: { "application/json": { schema: errorRef } } };
    }
    const op: Record<string, unknown> = {
      operationId: id,
      summary: def.summary,
      tags: [def.tag],
      parameters: [...objectParameters(def.params, "path"), ...objectParameters(def.query, "query")],
      responses,
      "x-meridian-auth": def.auth,
      ...(def.auth.kind === "public" ? { security: [] } : {}),
    };
    if (def.body) op.requestBody = { required: true, content: { "application/json": { schema: toSchema(def.body, "input") } } };
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[def.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info: { title: "Meridian API", version, description: "Unsafe requests made with the session cookie need the x-csrf-token header (from GET /api/v1/me)." },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An API token (mer_...)" },
        session: { type: "apiKey", in: "cookie", name: "meridian_session" },
      },
      schemas: { Error: toSchema(ErrorBody, "output") },
    },
    paths,
  };
}
