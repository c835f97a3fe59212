import { z } from "zod";
import { Description, Id, Name, Slug, Timestamp } from "./common.js";
import { OrgParams } from "./orgs.js";

const PermissionString = z.string().regex(/^(\*|[a-z]+):(\*|[a-z]+)$/, "resource:action");

export const Role = z.object({
  id: Id,
  slug: Slug,
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.string()),
  builtin: z.boolean(),
  createdAt: Timestamp,
});
export type Role = z.infer<typeof Role>;
export const CreateRoleBody = z
  .object({ slug: Slug, name: Name, description: Description.default(""), permissions: z.array(PermissionString).min(1).max(200) })
  .strict();
export const UpdateRoleBody = z
  .object({ name: Name.optional(), description: Description.optional(), permissions: z.array(PermissionString).min(1).max(200).optional() })
  .strict();
export const RoleParams = OrgParams.extend({ roleId: Id });

export const PermissionCatalogEntry = z.object({ resource: z.string(), actions: z.array(z.string()) });
export const PermissionCatalog = z.object({ items: z.array(PermissionCatalogEntry) });

export const BindingScope = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("organization") }),
  z.object({ kind: z.literal("project"), projectId: Id }),
  z.object({ kind: z.literal("environment"), projectId: Id, environmentId: Id }),
]);
export type BindingScope = z.infer<typeof BindingScope>;

export const SubjectKind = z.enum(["user", "team", "token"]);
export const RoleBinding = z.object({
  id: Id,
  roleId: Id,
  roleName: z.string(),
  subject: z.object({ kind: SubjectKind, id: Id, name: z.string() }),
  scope: BindingScope,
  scopeName: z.string().describe("Human-readable scope, e.g. project/api or project/api/env/prod"),
  createdAt: Timestamp,
  createdBy: z.string().nullable(),
});
export type RoleBinding = z.infer<typeof RoleBinding>;
export const CreateRoleBindingBody = z
  .object({ roleId: Id, subject: z.object({ kind: z.enum(["user", "team"]), id: Id }), scope: BindingScope.default({ kind: "organization" }) })
  .strict();
export const RoleBindingParams = OrgParams.extend({ bindingId: Id });
export const RoleBindingListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(512).optional(),
  subjectKind: SubjectKind.optional(),
  subjectId: Id.optional(),
  roleId: Id.optional(),
});

export const ApiToken = z.object({
  id: Id,
  name: z.string(),
  prefix: z.string().describe("First characters, to recognise a token"),
  roleId: Id,
  roleName: z.string(),
  scope: BindingScope,
  ownerId: Id,
  ownerName: z.string(),
  expiresAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  lastUsedIp: z.string().nullable(),
  revokedAt: Timestamp.nullable(),
  createdAt: Timestamp,
});
export type ApiToken = z.infer<typeof ApiToken>;
export const CreateTokenBody = z
  .object({
    name: Name,
    roleId: Id,
    scope: BindingScope.default({ kind: "organization" }),
    expiresInDays: z.number().int().min(1).max(365).default(30),
  })
  .strict();
export const CreatedToken = ApiToken.extend({ token: z.string().describe("Shown once; store it now") });
export type CreatedToken = z.infer<typeof CreatedToken>;
export const TokenParams = OrgParams.extend({ tokenId: Id });
