import { z } from "zod";
import * as A from "./access.js";
import * as Au from "./audit.js";
import * as C from "./clusters.js";
import { listQuery, OkResult, page } from "./common.js";
import { defineRoute as r } from "./define-route.js";
import * as I from "./identity.js";
import * as O from "./orgs.js";

const base = "/api/v1";
const org = `${base}/orgs/:orgId`;

/**
 * Every REST route of Meridian. The server registers handlers by these keys, the client calls by them,
 * the OpenAPI document is generated from them, and authorization is decided from their `auth` field.
 */
export const routes = {
  // identity
  login: r({ method: "POST", path: `${base}/auth/login`, tag: "auth", summary: "Log in with a username and password", auth: { kind: "public" }, body: I.LoginBody, response: I.LoginResult, audit: "auth.login" }),
  logout: r({ method: "POST", path: `${base}/auth/logout`, tag: "auth", summary: "End the current session", auth: { kind: "user" }, response: OkResult, audit: "auth.logout" }),
  getMe: r({ method: "GET", path: `${base}/me`, tag: "me", summary: "The caller, their organizations and CSRF token", auth: { kind: "user" }, response: I.Me }),
  updateMe: r({ method: "PATCH", path: `${base}/me`, tag: "me", summary: "Update the caller's profile", auth: { kind: "user" }, body: I.UpdateMeBody, response: I.User, audit: "user.update" }),
  changePassword: r({ method: "POST", path: `${base}/me/password`, tag: "me", summary: "Change the caller's password; other sessions are revoked", auth: { kind: "user" }, body: I.ChangePasswordBody, response: OkResult, audit: "user.password.change" }),
  listSessions: r({ method: "GET", path: `${base}/me/sessions`, tag: "me", summary: "The caller's active sessions", auth: { kind: "user" }, response: z.object({ items: z.array(I.Session) }) }),
  revokeSession: r({ method: "DELETE", path: `${base}/me/sessions/:sessionId`, tag: "me", summary: "Revoke one of the caller's sessions", auth: { kind: "user" }, params: I.SessionParams, response: OkResult, audit: "session.revoke" }),

  // organizations
  listOrgs: r({ method: "GET", path: `${base}/orgs`, tag: "organizations", summary: "Organizations the caller belongs to", auth: { kind: "user" }, query: listQuery(["name", "createdAt"]), response: page(O.Organization) }),
  createOrg: r({ method: "POST", path: `${base}/orgs`, tag: "organizations", summary: "Create an organization; the caller becomes its owner", auth: { kind: "user" }, body: O.CreateOrgBody, response: O.Organization, status: 201, audit: "organization.create" }),
  getOrg: r({ method: "GET", path: org, tag: "organizations", summary: "One organization", auth: { kind: "member" }, params: O.OrgParams, response: O.Organization }),
  updateOrg: r({ method: "PATCH", path: org, tag: "organizations", summary: "Rename or change settings (audit retention)", auth: { kind: "permission", permission: "organization:update" }, params: O.OrgParams, body: O.UpdateOrgBody, response: O.Organization, audit: "organization.update" }),
  deleteOrg: r({ method: "DELETE", path: org, tag: "organizations", summary: "Delete an organization and everything in it", auth: { kind: "permission", permission: "organization:delete" }, params: O.OrgParams, response: OkResult, audit: "organization.delete" }),

  // members
  listMembers: r({ method: "GET", path: `${org}/members`, tag: "members", summary: "Members with their organization roles and teams", auth: { kind: "permission", permission: "member:read" }, params: O.OrgParams, query: listQuery(["username", "joinedAt"]), response: page(O.Member) }),
  getMember: r({ method: "GET", path: `${org}/members/:userId`, tag: "members", summary: "One member", auth: { kind: "permission", permission: "member:read" }, params: O.MemberParams, response: O.Member }),
  setMemberRoles: r({ method: "PUT", path: `${org}/members/:userId/roles`, tag: "members", summary: "Replace a member's organization-scope roles", auth: { kind: "permission", permission: "member:update" }, params: O.MemberParams, body: O.SetMemberRolesBody, response: O.Member, audit: "member.roles.set" }),
  removeMember: r({ method: "DELETE", path: `${org}/members/:userId`, tag: "members", summary: "Remove a member, their bindings and tokens in this organization", auth: { kind: "permission", permission: "member:delete" }, params: O.MemberParams, response: OkResult, audit: "member.remove" }),

  // teams
  listTeams: r({ method: "GET", path: `${org}/teams`, tag: "teams", summary: "Teams", auth: { kind: "permission", permission: "team:read" }, params: O.OrgParams, query: listQuery(["name", "createdAt"]), response: page(O.Team) }),
  createTeam: r({ method: "POST", path: `${org}/teams`, tag: "teams", summary: "Create a team", auth: { kind: "permission", permission: "team:create" }, params: O.OrgParams, body: O.CreateTeamBody, response: O.Team, status: 201, audit: "team.create" }),
  getTeam: r({ method: "GET", path: `${org}/teams/:teamId`, tag: "teams", summary: "One team", auth: { kind: "permission", permission: "team:read" }, params: O.TeamParams, response: O.Team }),
  updateTeam: r({ method: "PATCH", path: `${org}/teams/:teamId`, tag: "teams", summary: "Update a team", auth: { kind: "permission", permission: "team:update" }, params: O.TeamParams, body: O.UpdateTeamBody, response: O.Team, audit: "team.update" }),
  deleteTeam: r({ method: "DELETE", path: `${org}/teams/:teamId`, tag: "teams", summary: "Delete a team and its bindings", auth: { kind: "permission", permission: "team:delete" }, params: O.TeamParams, response: OkResult, audit: "team.delete" }),
  listTeamMembers: r({ method: "GET", path: `${org}/teams/:teamId/members`, tag: "teams", summary: "Members of a team", auth: { kind: "permission", permission: "team:read" }, params: O.TeamParams, response: z.object({ items: z.array(O.TeamMember) }) }),
  addTeamMember: r({ method: "PUT", path: `${org}/teams/:teamId/members/:userId`, tag: "teams", summary: "Add an organization member to a team", auth: { kind: "permission", permission: "team:update" }, params: O.TeamMemberParams, response: OkResult, audit: "team.member.add" }),
  removeTeamMember: r({ method: "DELETE", path: `${org}/teams/:teamId/members/:userId`, tag: "teams", summary: "Remove a member from a team", auth: { kind: "permission", permission: "team:update" }, params: O.TeamMemberParams, response: OkResult, audit: "team.member.remove" }),

  // projects and environments
  listProjects: r({ method: "GET", path: `${org}/projects`, tag: "projects", summary: "Projects the caller may read", auth: { kind: "permission", permission: "project:read", anyScope: true }, params: O.OrgParams, query: listQuery(["name", "createdAt"]), response: page(O.Project) }),
  createProject: r({ method: "POST", path: `${org}/projects`, tag: "projects", summary: "Create a project with its environments", auth: { kind: "permission", permission: "project:create" }, params: O.OrgParams, body: O.CreateProjectBody, response: O.Project, status: 201, audit: "project.create" }),
  getProject: r({ method: "GET", path: `${org}/projects/:projectId`, tag: "projects", summary: "One project", auth: { kind: "permission", permission: "project:read" }, params: O.ProjectParams, response: O.Project }),
  updateProject: r({ method: "PATCH", path: `${org}/projects/:projectId`, tag: "projects", summary: "Update a project", auth: { kind: "permission", permission: "project:update" }, params: O.ProjectParams, body: O.UpdateProjectBody, response: O.Project, audit: "project.update" }),
  deleteProject: r({ method: "DELETE", path: `${org}/projects/:projectId`, tag: "projects", summary: "Delete a project, its environments and bindings", auth: { kind: "permission", permission: "project:delete" }, params: O.ProjectParams, response: OkResult, audit: "project.delete" }),
  listEnvironments: r({ method: "GET", path: `${org}/projects/:projectId/environments`, tag: "environments", summary: "Environments of a project, in order", auth: { kind: "permission", permission: "environment:read", anyScope: true }, params: O.ProjectParams, response: z.object({ items: z.array(O.Environment) }) }),
  createEnvironment: r({ method: "POST", path: `${org}/projects/:projectId/environments`, tag: "environments", summary: "Add an environment", auth: { kind: "permission", permission: "environment:create" }, params: O.ProjectParams, body: O.CreateEnvironmentBody, response: O.Environment, status: 201, audit: "environment.create" }),
  getEnvironment: r({ method: "GET", path: `${org}/projects/:projectId/environments/:environmentId`, tag: "environments", summary: "One environment", auth: { kind: "permission", permission: "environment:read" }, params: O.EnvironmentParams, response: O.Environment }),
  updateEnvironment: r({ method: "PATCH", path: `${org}/projects/:projectId/environments/:environmentId`, tag: "environments", summary: "Rename, reorder or protect an environment", auth: { kind: "permission", permission: "environment:update" }, params: O.EnvironmentParams, body: O.UpdateEnvironmentBody, response: O.Environment, audit: "environment.update" }),
  deleteEnvironment: r({ method: "DELETE", path: `${org}/projects/:projectId/environments/:environmentId`, tag: "environments", summary: "Delete an environment", auth: { kind: "permission", permission: "environment:delete" }, params: O.EnvironmentParams, response: OkResult, audit: "environment.delete" }),

  // invitations
  listInvitations: r({ method: "GET", path: `${org}/invitations`, tag: "invitations", summary: "Invitations, newest first", auth: { kind: "permission", permission: "invitation:read" }, params: O.OrgParams, query: listQuery(["createdAt", "email"]), response: page(O.Invitation) }),
  createInvitation: r({ method: "POST", path: `${org}/invitations`, tag: "invitations", summary: "Invite someone by email; returns the link (also emailed when SMTP is set)", auth: { kind: "permission", permission: "invitation:create" }, params: O.OrgParams, body: O.CreateInvitationBody, response: O.CreatedInvitation, status: 201, audit: "invitation.create" }),
  revokeInvitation: r({ method: "DELETE", path: `${org}/invitations/:invitationId`, tag: "invitations", summary: "Revoke a pending invitation", auth: { kind: "permission", permission: "invitation:delete" }, params: O.InvitationParams, response: OkResult, audit: "invitation.revoke" }),
  previewInvitation: r({ method: "GET", path: `${base}/invitations/:token`, tag: "invitations", summary: "What an invitation link offers (no login needed)", auth: { kind: "public" }, params: O.InvitationTokenParams, response: O.InvitationPreview }),
  acceptInvitation: r({ method: "POST", path: `${base}/invitations/:token/accept`, tag: "invitations", summary: "Accept an invitation, signing up first when not logged in", auth: { kind: "public" }, params: O.InvitationTokenParams, body: O.AcceptInvitationBody, response: O.AcceptInvitationResult, audit: "invitation.accept" }),

  // roles and bindings
  listPermissions: r({ method: "GET", path: `${base}/permissions`, tag: "roles", summary: "The permission catalog (resource x action)", auth: { kind: "user" }, response: A.PermissionCatalog }),
  listRoles: r({ method: "GET", path: `${org}/roles`, tag: "roles", summary: "Built-in and custom roles", auth: { kind: "member" }, params: O.OrgParams, query: listQuery(["name", "createdAt"]), response: page(A.Role) }),
  createRole: r({ method: "POST", path: `${org}/roles`, tag: "roles", summary: "Create a custom role (only with permissions you hold, unless role:escalate)", auth: { kind: "permission", permission: "role:create" }, params: O.OrgParams, body: A.CreateRoleBody, response: A.Role, status: 201, audit: "role.create" }),
  getRole: r({ method: "GET", path: `${org}/roles/:roleId`, tag: "roles", summary: "One role", auth: { kind: "member" }, params: A.RoleParams, response: A.Role }),
  updateRole: r({ method: "PATCH", path: `${org}/roles/:roleId`, tag: "roles", summary: "Update a custom role", auth: { kind: "permission", permission: "role:update" }, params: A.RoleParams, body: A.UpdateRoleBody, response: A.Role, audit: "role.update" }),
  deleteRole: r({ method: "DELETE", path: `${org}/roles/:roleId`, tag: "roles", summary: "Delete an unused custom role", auth: { kind: "permission", permission: "role:delete" }, params: A.RoleParams, response: OkResult, audit: "role.delete" }),
  listRoleBindings: r({ method: "GET", path: `${org}/role-bindings`, tag: "roles", summary: "Who has which role where", auth: { kind: "permission", permission: "rolebinding:read" }, params: O.OrgParams, query: A.RoleBindingListQuery, response: page(A.RoleBinding) }),
  createRoleBinding: r({ method: "POST", path: `${org}/role-bindings`, tag: "roles", summary: "Give a role to a user or team at a scope (escalation rule applies)", auth: { kind: "permission", permission: "rolebinding:create", anyScope: true }, params: O.OrgParams, body: A.CreateRoleBindingBody, response: A.RoleBinding, status: 201, audit: "rolebinding.create" }),
  deleteRoleBinding: r({ method: "DELETE", path: `${org}/role-bindings/:bindingId`, tag: "roles", summary: "Remove a role binding", auth: { kind: "permission", permission: "rolebinding:delete", anyScope: true }, params: A.RoleBindingParams, response: OkResult, audit: "rolebinding.delete" }),

  // API tokens
  listTokens: r({ method: "GET", path: `${org}/tokens`, tag: "tokens", summary: "The caller's tokens (all tokens with token:read)", auth: { kind: "member" }, params: O.OrgParams, query: listQuery(["name", "createdAt", "expiresAt"]), response: page(A.ApiToken) }),
  createToken: r({ method: "POST", path: `${org}/tokens`, tag: "tokens", summary: "Create an API token for the caller (shown once)", auth: { kind: "permission", permission: "token:create", anyScope: true }, params: O.OrgParams, body: A.CreateTokenBody, response: A.CreatedToken, status: 201, audit: "token.create" }),
  revokeToken: r({ method: "DELETE", path: `${org}/tokens/:tokenId`, tag: "tokens", summary: "Revoke a token (own, or any with token:delete)", auth: { kind: "member" }, params: A.TokenParams, response: OkResult, audit: "token.revoke" }),

  // audit
  listAuditEvents: r({ method: "GET", path: `${org}/audit-events`, tag: "audit", summary: "Query the audit log", auth: { kind: "permission", permission: "audit:read" }, params: O.OrgParams, query: Au.AuditQuery, response: page(Au.AuditEvent) }),
  exportAuditEvents: r({ method: "GET", path: `${org}/audit-events/export`, tag: "audit", summary: "Export matching events as CSV or JSON lines", auth: { kind: "permission", permission: "audit:export" }, params: O.OrgParams, query: Au.AuditExportQuery, response: z.string(), produces: ["text/csv", "application/x-ndjson"] }),
  verifyAuditLog: r({ method: "POST", path: `${org}/audit-events/verify`, tag: "audit", summary: "Check the hash chain; reports altered, missing or reordered events", auth: { kind: "permission", permission: "audit:verify" }, params: O.OrgParams, response: Au.AuditVerifyResult, audit: "audit.verify" }),

  // clusters
  listClusters: r({ method: "GET", path: `${org}/clusters`, tag: "clusters", summary: "Connected clusters with health, capacity and inventory state", auth: { kind: "permission", permission: "cluster:read" }, params: O.OrgParams, query: listQuery(["name", "createdAt", "state"]), live: true, response: page(C.Cluster) }),
  createCluster: r({ method: "POST", path: `${org}/clusters`, tag: "clusters", summary: "Connect a Kubernetes or Swarm cluster (credentials are encrypted at rest)", auth: { kind: "permission", permission: "cluster:create" }, params: O.OrgParams, body: C.CreateClusterBody, response: C.Cluster, status: 201, audit: "cluster.create" }),
  inspectKubeconfig: r({ method: "POST", path: `${org}/clusters/kubeconfig-contexts`, tag: "clusters", summary: "The contexts of a kubeconfig and whether each can be used (nothing is stored)", auth: { kind: "permission", permission: "cluster:create" }, params: O.OrgParams, body: C.KubeconfigContextsBody, live: true, response: C.KubeconfigContexts }),
  getCluster: r({ method: "GET", path: `${org}/clusters/:clusterId`, tag: "clusters", summary: "One cluster", auth: { kind: "permission", permission: "cluster:read" }, params: C.ClusterParams, live: true, response: C.Cluster }),
  updateCluster: r({ method: "PATCH", path: `${org}/clusters/:clusterId`, tag: "clusters", summary: "Rename, relabel or replace a cluster's credentials", auth: { kind: "permission", permission: "cluster:update" }, params: C.ClusterParams, body: C.UpdateClusterBody, response: C.Cluster, audit: "cluster.update" }),
  deleteCluster: r({ method: "DELETE", path: `${org}/clusters/:clusterId`, tag: "clusters", summary: "Disconnect a cluster (nothing in it is touched) and forget its credentials", auth: { kind: "permission", permission: "cluster:delete" }, params: C.ClusterParams, response: OkResult, audit: "cluster.delete" }),
  createClusterTarget: r({ method: "POST", path: `${org}/clusters/:clusterId/targets`, tag: "clusters", summary: "Bind a namespace (or Swarm stack) of the cluster to a project environment", auth: { kind: "permission", permission: "cluster:bind" }, params: C.ClusterParams, body: C.CreateTargetBody, response: C.ClusterTarget, status: 201, audit: "cluster.target.create" }),
  deleteClusterTarget: r({ method: "DELETE", path: `${org}/clusters/:clusterId/targets/:targetId`, tag: "clusters", summary: "Remove an environment binding", auth: { kind: "permission", permission: "cluster:bind" }, params: C.TargetParams, response: OkResult, audit: "cluster.target.delete" }),

  // live inventory and resources
  queryInventory: r({ method: "GET", path: `${org}/inventory`, tag: "inventory", summary: "Objects of one kind across the organization's clusters: filtered, sorted, cursor-paginated", auth: { kind: "permission", permission: "workload:read", anyScope: true }, params: O.OrgParams, query: C.InventoryQuery, live: true, response: C.InventoryPage }),
  watchInventory: r({ method: "GET", path: `${org}/inventory/stream`, tag: "inventory", summary: "Server-Sent Events: upserts and deletions of objects matching the same filters as /inventory", auth: { kind: "permission", permission: "workload:read", anyScope: true }, params: O.OrgParams, query: C.InventoryQuery.omit({ cursor: true, limit: true, sort: true }), response: z.string(), produces: ["text/event-stream"] }),
  getResource: r({ method: "GET", path: `${org}/clusters/:clusterId/resource`, tag: "inventory", summary: "One object, live from the cluster, with its events and related objects (Secret values removed)", auth: { kind: "permission", permission: "workload:read", anyScope: true }, params: C.ClusterParams, query: C.ResourceQuery, live: true, response: C.ResourceDetail }),
  applyResources: r({ method: "POST", path: `${org}/clusters/:clusterId/apply`, tag: "inventory", summary: "Server-side apply YAML (field manager meridian); with dryRun, the diff only", auth: { kind: "permission", permission: "workload:update", anyScope: true }, params: C.ClusterParams, body: C.ApplyBody, response: C.ApplyResultSchema, audit: "resource.apply" }),
  deleteResource: r({ method: "DELETE", path: `${org}/clusters/:clusterId/resource`, tag: "inventory", summary: "Delete one object", auth: { kind: "permission", permission: "workload:delete", anyScope: true }, params: C.ClusterParams, query: C.ResourceQuery, response: OkResult, audit: "resource.delete" }),
  scaleResource: r({ method: "POST", path: `${org}/clusters/:clusterId/resource/scale`, tag: "inventory", summary: "Set the replicas of a Deployment, StatefulSet, ReplicaSet or Swarm service", auth: { kind: "permission", permission: "workload:update", anyScope: true }, params: C.ClusterParams, body: C.ScaleBody, response: OkResult, audit: "resource.scale" }),
  restartResource: r({ method: "POST", path: `${org}/clusters/:clusterId/resource/restart`, tag: "inventory", summary: "Restart a rollout (or force-update a Swarm service)", auth: { kind: "permission", permission: "workload:update", anyScope: true }, params: C.ClusterParams, body: C.ResourceActionBody, response: OkResult, audit: "resource.restart" }),
  rollbackResource: r({ method: "POST", path: `${org}/clusters/:clusterId/resource/rollback`, tag: "inventory", summary: "Roll back to the previous revision (Deployment) or spec (Swarm service)", auth: { kind: "permission", permission: "workload:update", anyScope: true }, params: C.ClusterParams, body: C.ResourceActionBody, response: OkResult, audit: "resource.rollback" }),
  setNodeSchedulable: r({ method: "POST", path: `${org}/clusters/:clusterId/nodes/:node/schedulable`, tag: "inventory", summary: "Cordon or uncordon a node (Swarm: pause or activate)", auth: { kind: "permission", permission: "cluster:update" }, params: C.NodeParams, body: C.SchedulableBody, response: OkResult, audit: "node.schedulable" }),
  drainNode: r({ method: "POST", path: `${org}/clusters/:clusterId/nodes/:node/drain`, tag: "inventory", summary: "Cordon a node and evict its pods (Swarm: availability drain)", auth: { kind: "permission", permission: "cluster:update" }, params: C.NodeParams, response: C.DrainResult, audit: "node.drain" }),
  streamLogs: r({ method: "GET", path: `${org}/clusters/:clusterId/logs`, tag: "inventory", summary: "Logs of a pod/task or merged over a workload's replicas, as JSON lines {source,time,line}; follow streams", auth: { kind: "permission", permission: "workload:logs", anyScope: true }, params: C.ClusterParams, query: C.LogsQuery, response: z.string(), produces: ["application/x-ndjson"] }),
} as const;

export type Routes = typeof routes;
export type RouteId = keyof Routes;
