import type { z } from "zod";
import type { Permission } from "../access/permissions.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Who may call a route. The server decides every route through this one field:
 * - public: anyone; user: any authenticated caller; member: a member of the organization in the path;
 * - permission: the caller holds `permission` at the scope the path names (organization, project or
 *   environment). With `anyScope`, holding it at any scope in the organization suffices and the handler
 *   filters items (list endpoints of project-scoped things).
 */
export type RouteAuth =
  | { kind: "public" }
  | { kind: "user" }
  | { kind: "member" }
  | { kind: "permission"; permission: Permission; anyScope?: boolean };

type Opt = z.ZodType | undefined;

export interface RouteDef<P extends Opt = Opt, Q extends Opt = Opt, B extends Opt = Opt, R extends z.ZodType = z.ZodType> {
  method: HttpMethod;
  /** Fastify-style path with `:param` segments. */
  path: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  /** HTTP status on success (200 unless said). */
  status?: number;
  /** Audit action written for this route; every non-GET route has one. */
  audit?: string;
  /** Answers from live cluster state: never served from the organization read cache. */
  live?: boolean;
  /** Non-JSON responses (exports) name their content types here. */
  produces?: readonly string[];
}

export function defineRoute<P extends Opt = undefined, Q extends Opt = undefined, B extends Opt = undefined, R extends z.ZodType = z.ZodType>(
  def: RouteDef<P, Q, B, R>,
): RouteDef<P, Q, B, R> {
  return def;
}

type InferIn<T> = T extends z.ZodType ? z.input<T> : undefined;
type InferOut<T> = T extends z.ZodType ? z.output<T> : undefined;
/** Client-side input types (before defaults apply) and server-side parsed types. */
export type RouteParams<D> = D extends RouteDef<infer P, Opt, Opt, z.ZodType> ? InferIn<P> : never;
export type RouteQuery<D> = D extends RouteDef<Opt, infer Q, Opt, z.ZodType> ? InferIn<Q> : never;
export type RouteBody<D> = D extends RouteDef<Opt, Opt, infer B, z.ZodType> ? InferIn<B> : never;
export type RouteResponse<D> = D extends RouteDef<Opt, Opt, Opt, infer R> ? z.output<R> : never;
export type ParsedParams<D> = D extends RouteDef<infer P, Opt, Opt, z.ZodType> ? InferOut<P> : never;
export type ParsedQuery<D> = D extends RouteDef<Opt, infer Q, Opt, z.ZodType> ? InferOut<Q> : never;
export type ParsedBody<D> = D extends RouteDef<Opt, Opt, infer B, z.ZodType> ? InferOut<B> : never;

/** Fills `:param` segments; values are URI-encoded. */
export function buildPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(v);
  });
}
