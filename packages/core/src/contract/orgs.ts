import { z } from "zod";
import { Description, Email, Id, Name, OrgRef, Password, Slug, Timestamp, Username } from "./common.js";

export const Organization = z.object({
  id: Id,
  slug: Slug,
  name: z.string(),
  auditRetentionDays: z.number().int().nullable(),
  createdAt: Timestamp,
});
export type Organization = z.infer<typeof Organization>;

export const CreateOrgBody = z.object({ slug: Slug, name: Name }).strict();
export const UpdateOrgBody = z
  .object({ name: Name.optional(), auditRetentionDays: z.number().int().min(30).max(3650).nullable().optional() })
  .strict();

export const OrgParams = z.object({ orgId: OrgRef });

export const Member = z.object({
  userId: Id,
  username: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  roles: z.array(z.object({ bindingId: Id, roleId: Id, roleName: z.string() })).describe("Organization-scope roles"),
  teams: z.array(z.object({ id: Id, name: z.string() })),
  joinedAt: Timestamp,
});
export type Member = z.infer<typeof Member>;
export const MemberParams = OrgParams.extend({ userId: Id });
export const SetMemberRolesBody = z.object({ roleIds: z.array(Id).min(1).max(20) }).strict();

export const Team = z.object({
  id: Id,
  slug: Slug,
  name: z.string(),
  description: z.string(),
  memberCount: z.number().int(),
  createdAt: Timestamp,
});
export type Team = z.infer<typeof Team>;
export const CreateTeamBody = z.object({ slug: Slug, name: Name, description: Description.default("") }).strict();
export const UpdateTeamBody = z.object({ name: Name.optional(), description: Description.optional() }).strict();
export const TeamParams = OrgParams.extend({ teamId: Id });
export const TeamMemberParams = TeamParams.extend({ userId: Id });
export const TeamMember = z.object({ userId: Id, username: z.string(), displayName: z.string() });

export const Project = z.object({
  id: Id,
  slug: Slug,
  name: z.string(),
  description: z.string(),
  teamId: Id.nullable(),
  environmentCount: z.number().int(),
  createdAt: Timestamp,
});
export type Project = z.infer<typeof Project>;
export const CreateProjectBody = z
  .object({
    slug: Slug,
    name: Name,
    description: Description.default(""),
    teamId: Id.nullable().default(null),
    environments: z.array(Slug).max(20).optional().describe("Defaults to dev, staging, prod"),
  })
  .strict();
export const UpdateProjectBody = z
  .object({ name: Name.optional(), description: Description.optional(), teamId: Id.nullable().optional() })
  .strict();
export const ProjectParams = OrgParams.extend({ projectId: Id });

export const Environment = z.object({
  id: Id,
  projectId: Id,
  slug: Slug,
  name: z.string(),
  position: z.number().int(),
  protected: z.boolean().describe("Production-like: later issues require approvals here"),
  createdAt: Timestamp,
});
export type Environment = z.infer<typeof Environment>;
export const CreateEnvironmentBody = z
  .object({ slug: Slug, name: Name.optional(), protected: z.boolean().default(false), position: z.number().int().min(0).max(1000).optional() })
  .strict();
export const UpdateEnvironmentBody = z
  .object({ name: Name.optional(), protected: z.boolean().optional(), position: z.number().int().min(0).max(1000).optional() })
  .strict();
export const EnvironmentParams = ProjectParams.extend({ environmentId: Id });

export const Invitation = z.object({
  id: Id,
  email: z.string(),
  roleId: Id,
  roleName: z.string(),
  teamIds: z.array(Id),
  status: z.enum(["pending", "accepted", "revoked", "expired"]),
  invitedBy: z.string(),
  expiresAt: Timestamp,
  createdAt: Timestamp,
  acceptedBy: z.string().nullable(),
});
export type Invitation = z.infer<typeof Invitation>;
export const CreateInvitationBody = z
  .object({ email: Email, roleId: Id, teamIds: z.array(Id).max(20).default([]), expiresInDays: z.number().int().min(1).max(30).default(7) })
  .strict();
export const CreatedInvitation = Invitation.extend({
  token: z.string().describe("Shown once"),
  link: z.string().describe("Share this link; it is also emailed when SMTP is configured"),
  emailed: z.boolean(),
});
export const InvitationParams = OrgParams.extend({ invitationId: Id });
export const InvitationTokenParams = z.object({ token: z.string().min(20).max(128) });
export const InvitationPreview = z.object({
  organizationName: z.string(),
  organizationSlug: z.string(),
  email: z.string(),
  roleName: z.string(),
  invitedBy: z.string(),
  expiresAt: Timestamp,
  status: Invitation.shape.status,
});
export const AcceptInvitationBody = z
  .object({
    signup: z
      .object({ username: Username, password: Password, displayName: Name.optional() })
      .optional()
      .describe("Creates an account when the caller is not logged in"),
  })
  .strict();
export const AcceptInvitationResult = z.object({ organizationId: Id, organizationSlug: z.string(), userId: Id });

export type CreatedInvitation = z.infer<typeof CreatedInvitation>;
