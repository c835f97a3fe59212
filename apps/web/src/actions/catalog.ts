import type { ApiToken, Environment, Invitation, Me, Member, Organization, Permission, Project, Role, RoleBinding, Session, Team } from "@meridian/core";
import { api } from "../api/client";
import { createAppAction } from "./app-catalog";
import { createPolicyAction } from "./cluster-catalog";
import type { Action, GlobalAction } from "./registry";

/** Started by the command itself (not by the dialog mounting), so one click is one audited verification. */
export function verifyChain(orgId: string | null) {
  const result = api.call("verifyAuditLog", { params: { orgId: orgId ?? "" } });
  result.catch(() => {}); // the dialog shows the error; this only marks the rejection as handled
  return result;
}

const orgPath = (ctx: { orgId: string | null }, rest: string) => `/orgs/${ctx.orgId}/${rest}`;

function nav(id: string, label: string, rest: string, shortcut: string, keywords = "", requires?: Permission): GlobalAction {
  return { id: `nav.${id}`, label: `Go to ${label}`, section: "Navigate", shortcut, keywords, needsOrg: true, requires, perform: (ctx) => ctx.navigate(orgPath(ctx, rest)) };
}

/** Commands without a target: the palette lists them, shortcuts trigger them, toolbars render them. */
export const globalActions = {
  goProjects: nav("projects", "projects", "projects", "g p"),
  // App permissions are usually granted per project: no `requires`, the page shows what the caller may read.
  goApps: nav("apps", "apps", "apps", "g d", "deployments releases services"),
  goClusters: nav("clusters", "clusters", "clusters", "g c", "kubernetes swarm nodes health", "cluster:read"),
  // Workload reads can be granted per project, which the org-scope roles here cannot show: no `requires`.
  goResources: nav("resources", "resources", "resources", "g w", "inventory workloads pods deployments services kubectl get"),
  goCost: nav("cost", "cost", "cost", "g b", "bills billing focus finops spend money import", "cost:read"),
  goTeams: nav("teams", "teams", "teams", "g t", "", "team:read"),
  goMembers: nav("members", "members", "members", "g m", "people users", "member:read"),
  goInvitations: nav("invitations", "invitations", "invitations", "g i", "invite", "invitation:read"),
  goRoles: nav("roles", "roles", "roles", "g r", "permissions bindings rbac"),
  goTokens: nav("tokens", "API tokens", "tokens", "g k", "api keys"),
  goAudit: nav("audit", "audit log", "audit", "g a", "events history", "audit:read"),
  goSettings: nav("settings", "organization settings", "settings", "g o", "rename retention delete organization"),
  goProfile: { id: "nav.profile", label: "Go to profile", section: "Navigate", shortcut: "g u", keywords: "account password", perform: (ctx) => ctx.navigate("/me/profile") },
  goSessions: { id: "nav.sessions", label: "Go to sessions", section: "Navigate", shortcut: "g s", keywords: "devices logins", perform: (ctx) => ctx.navigate("/me/sessions") },
  createProject: { id: "project.create", label: "Create project", section: "Create", shortcut: "c p", requires: "project:create", perform: (ctx) => ctx.open({ kind: "create-project" }) },
  createApp: createAppAction,
  connectCluster: { id: "cluster.create", label: "Connect cluster", section: "Create", shortcut: "c c", keywords: "kubernetes kubeconfig swarm docker add", requires: "cluster:create", perform: (ctx) => ctx.open({ kind: "connect-cluster" }) },
  createPolicy: createPolicyAction,
  applyYaml: { id: "resource.apply", label: "Apply YAML", section: "Clusters", keywords: "kubectl apply manifest deploy", needsOrg: true, perform: (ctx) => ctx.navigate(orgPath(ctx, "apply")) },
  createTeam: { id: "team.create", label: "Create team", section: "Create", shortcut: "c t", requires: "team:create", perform: (ctx) => ctx.open({ kind: "create-team" }) },
  createInvitation: { id: "invitation.create", label: "Invite member", section: "Create", shortcut: "c i", keywords: "invitation email", requires: "invitation:create", perform: (ctx) => ctx.open({ kind: "create-invitation" }) },
  createRole: { id: "role.create", label: "Create custom role", section: "Create", requires: "role:create", perform: (ctx) => ctx.open({ kind: "role-editor", role: null }) },
  createBinding: { id: "rolebinding.create", label: "Grant a role", section: "Create", keywords: "binding", requires: "rolebinding:create", perform: (ctx) => ctx.open({ kind: "create-binding" }) },
  createToken: { id: "token.create", label: "Create API token", section: "Create", shortcut: "c k", requires: "token:create", perform: (ctx) => ctx.open({ kind: "create-token" }) },
  createOrg: { id: "org.create", label: "Create organization", section: "Create", shortcut: "c o", perform: (ctx) => ctx.open({ kind: "create-org" }) },
  verifyAudit: { id: "audit.verify", label: "Verify audit chain", section: "Audit", keywords: "hash integrity tamper", requires: "audit:verify", perform: (ctx) => ctx.open({ kind: "audit-verify", result: verifyChain(ctx.orgId) }) },
  palette: { id: "app.palette", label: "Open command palette", section: "General", shortcut: "mod+k", perform: (ctx) => ctx.togglePalette() },
  help: { id: "app.help", label: "Keyboard shortcuts", section: "General", shortcut: "?", keywords: "help keys", perform: (ctx) => ctx.toggleHelp() },
  theme: { id: "app.theme", label: "Toggle theme (light / dark / system)", section: "General", shortcut: "t t", keywords: "dark light mode", perform: (ctx) => ctx.cycleTheme() },
  logout: { id: "auth.logout", label: "Log out", section: "General", keywords: "sign out", perform: (ctx) => ctx.logout() },
} satisfies Record<string, GlobalAction>;

export function orgSwitchActions(me: Me | undefined): GlobalAction[] {
  return (me?.organizations ?? []).map((o) => ({
    id: `org.switch.${o.slug}`,
    label: `Switch to ${o.name}`,
    section: "Organizations",
    keywords: o.slug,
    enabled: (ctx) => (ctx.orgId === o.slug ? "Already the current organization" : true),
    perform: (ctx) => ctx.navigate(`/orgs/${o.slug}/projects`),
  }));
}

/** Palette entries that jump straight to a project. */
export function projectJumpActions(projects: readonly Project[]): GlobalAction[] {
  return projects.map((p) => ({
    id: `project.jump.${p.id}`,
    label: `Open project ${p.name}`,
    section: "Projects",
    keywords: p.slug,
    needsOrg: true,
    perform: (ctx) => ctx.navigate(orgPath(ctx, `projects/${p.id}`)),
  }));
}

export const orgActions = {
  remove: {
    id: "org.delete",
    label: "Delete organization",
    section: "Organizations",
    danger: true,
    requires: "organization:delete",
    perform: async (ctx, o) => {
      if (!(await ctx.confirm(`Delete ${o.name} and everything in it? This cannot be undone.`, { confirmLabel: `Delete ${o.slug}`, danger: true }))) return;
      const ok = await ctx.run("deleteOrg", { params: { orgId: o.slug } }, `Deleted ${o.name}`);
      if (ok) ctx.navigate("/");
    },
  },
} satisfies Record<string, Action<Organization>>;

/** Commands on one row of a list; rendered as row buttons with the same enabling rules. */
export const projectActions = {
  open: { id: "project.open", label: "Open", section: "Projects", perform: (ctx, p) => ctx.navigate(orgPath(ctx, `projects/${p.id}`)) },
  edit: { id: "project.edit", label: "Edit", section: "Projects", requires: "project:update", perform: (ctx, p) => ctx.open({ kind: "edit-project", project: p }) },
  remove: {
    id: "project.delete",
    label: "Delete",
    section: "Projects",
    danger: true,
    requires: "project:delete",
    perform: async (ctx, p) => {
      if (!(await ctx.confirm(`Delete project “${p.name}” with its environments and bindings?`, { confirmLabel: "Delete project", danger: true }))) return;
      const ok = await ctx.run("deleteProject", { params: { orgId: ctx.orgId ?? "", projectId: p.id } }, `Deleted project ${p.name}`);
      if (ok) ctx.navigate(orgPath(ctx, "projects"));
    },
  },
} satisfies Record<string, Action<Project>>;

const envParams = (ctx: { orgId: string | null }, e: Environment) => ({ orgId: ctx.orgId ?? "", projectId: e.projectId, environmentId: e.id });

export interface EnvTarget {
  env: Environment;
  /** For moves: every environment of the project in display order, and the direction. */
  list?: readonly Environment[];
  delta?: -1 | 1;
}

/** The project's environments with `env` moved one step; positions become 0..n-1 (also repairs ties). */
export function reorderEnvironments(list: readonly Environment[], env: Environment, delta: -1 | 1): Environment[] | null {
  const i = list.findIndex((e) => e.id === env.id);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= list.length) return null;
  const next = [...list];
  [next[i], next[j]] = [next[j] as Environment, next[i] as Environment];
  return next;
}

export const environmentActions = {
  rename: { id: "environment.rename", label: "Rename", section: "Environments", perform: (ctx, t) => ctx.open({ kind: "rename-environment", environment: t.env }) },
  protect: {
    id: "environment.protect",
    label: (t) => (t.env.protected ? "Unprotect" : "Protect"),
    section: "Environments",
    perform: async (ctx, t) => {
      await ctx.run("updateEnvironment", { params: envParams(ctx, t.env), body: { protected: !t.env.protected } }, `${t.env.name} is ${t.env.protected ? "no longer" : "now"} protected`);
    },
  },
  move: {
    id: "environment.move",
    label: (t) => (t.delta === -1 ? "Move up" : "Move down"),
    section: "Environments",
    enabled: (_ctx, t) => (t.list && t.delta && reorderEnvironments(t.list, t.env, t.delta) ? true : "It cannot move further"),
    perform: async (ctx, t) => {
      const next = t.list && t.delta ? reorderEnvironments(t.list, t.env, t.delta) : null;
      if (!next) return;
      for (const [position, e] of next.entries()) {
        if (e.position !== position) await ctx.run("updateEnvironment", { params: envParams(ctx, e), body: { position } });
      }
    },
  },
  grant: {
    id: "environment.grant",
    label: "Grant access",
    section: "Environments",
    requires: "rolebinding:create",
    perform: (ctx, t) => ctx.open({ kind: "create-binding", scope: { kind: "environment", projectId: t.env.projectId, environmentId: t.env.id } }),
  },
  remove: {
    id: "environment.delete",
    label: "Delete",
    section: "Environments",
    danger: true,
    perform: async (ctx, t) => {
      const extra = t.env.protected ? " It is protected." : "";
      if (!(await ctx.confirm(`Delete environment “${t.env.name}”?${extra}`, { confirmLabel: "Delete environment", danger: true }))) return;
      await ctx.run("deleteEnvironment", { params: envParams(ctx, t.env) }, `Deleted environment ${t.env.name}`);
    },
  },
} satisfies Record<string, Action<EnvTarget>>;

export const teamActions = {
  edit: { id: "team.edit", label: "Edit", section: "Teams", requires: "team:update", perform: (ctx, t) => ctx.open({ kind: "edit-team", team: t }) },
  members: { id: "team.members", label: "Members", section: "Teams", requires: "team:read", perform: (ctx, t) => ctx.open({ kind: "team-members", team: t }) },
  remove: {
    id: "team.delete",
    label: "Delete",
    section: "Teams",
    danger: true,
    requires: "team:delete",
    perform: async (ctx, t) => {
      if (!(await ctx.confirm(`Delete team “${t.name}” and its role bindings?`, { confirmLabel: "Delete team", danger: true }))) return;
      await ctx.run("deleteTeam", { params: { orgId: ctx.orgId ?? "", teamId: t.id } }, `Deleted team ${t.name}`);
    },
  },
} satisfies Record<string, Action<Team>>;

const notSelf = (ctx: { me: Me | undefined }, m: Member) => (m.userId === ctx.me?.user.id ? "You cannot change your own membership here" : true);

export const memberActions = {
  access: { id: "member.access", label: "Access", section: "Members", requires: "rolebinding:read", perform: (ctx, m) => ctx.open({ kind: "member-access", member: m }) },
  setRoles: { id: "member.roles", label: "Change roles", section: "Members", requires: "member:update", enabled: notSelf, perform: (ctx, m) => ctx.open({ kind: "member-roles", member: m }) },
  remove: {
    id: "member.remove",
    label: "Remove",
    section: "Members",
    danger: true,
    requires: "member:delete",
    enabled: notSelf,
    perform: async (ctx, m) => {
      if (!(await ctx.confirm(`Remove ${m.displayName || m.username} from this organization? Their bindings and tokens here go too.`, { confirmLabel: "Remove member", danger: true }))) return;
      await ctx.run("removeMember", { params: { orgId: ctx.orgId ?? "", userId: m.userId } }, `Removed ${m.username}`);
    },
  },
} satisfies Record<string, Action<Member>>;

export const invitationActions = {
  revoke: {
    id: "invitation.revoke",
    label: "Revoke",
    section: "Invitations",
    danger: true,
    requires: "invitation:delete",
    enabled: (_ctx, i) => (i.status === "pending" ? true : `Only pending invitations can be revoked (this one is ${i.status})`),
    perform: async (ctx, i) => {
      if (!(await ctx.confirm(`Revoke the invitation for ${i.email}? The link stops working.`, { confirmLabel: "Revoke", danger: true }))) return;
      await ctx.run("revokeInvitation", { params: { orgId: ctx.orgId ?? "", invitationId: i.id } }, `Revoked invitation for ${i.email}`);
    },
  },
} satisfies Record<string, Action<Invitation>>;

export const roleActions = {
  view: { id: "role.view", label: (r) => (r.builtin ? "View" : "Edit"), section: "Roles", perform: (ctx, r) => ctx.open({ kind: "role-editor", role: r }) },
  remove: {
    id: "role.delete",
    label: "Delete",
    section: "Roles",
    danger: true,
    requires: "role:delete",
    enabled: (_ctx, r) => (r.builtin ? "Built-in roles cannot be deleted" : true),
    perform: async (ctx, r) => {
      if (!(await ctx.confirm(`Delete role “${r.name}”? Roles still in use cannot be deleted.`, { confirmLabel: "Delete role", danger: true }))) return;
      await ctx.run("deleteRole", { params: { orgId: ctx.orgId ?? "", roleId: r.id } }, `Deleted role ${r.name}`);
    },
  },
} satisfies Record<string, Action<Role>>;

export const bindingActions = {
  remove: {
    id: "rolebinding.delete",
    label: "Remove",
    section: "Roles",
    danger: true,
    perform: async (ctx, b) => {
      if (!(await ctx.confirm(`Remove ${b.roleName} from ${b.subject.name} at ${b.scopeName}?`, { confirmLabel: "Remove binding", danger: true }))) return;
      await ctx.run("deleteRoleBinding", { params: { orgId: ctx.orgId ?? "", bindingId: b.id } }, "Role binding removed");
    },
  },
} satisfies Record<string, Action<RoleBinding>>;

export const tokenActions = {
  revoke: {
    id: "token.revoke",
    label: "Revoke",
    section: "Tokens",
    danger: true,
    enabled: (ctx, t) => {
      if (t.revokedAt) return "Already revoked";
      if (t.ownerId !== ctx.me?.user.id && !ctx.can("token:delete")) return "Only the owner or someone with token:delete can revoke it";
      return true;
    },
    perform: async (ctx, t) => {
      if (!(await ctx.confirm(`Revoke token “${t.name}” (${t.prefix}…)? Anything using it stops working.`, { confirmLabel: "Revoke token", danger: true }))) return;
      await ctx.run("revokeToken", { params: { orgId: ctx.orgId ?? "", tokenId: t.id } }, `Revoked token ${t.name}`);
    },
  },
} satisfies Record<string, Action<ApiToken>>;

export const sessionActions = {
  revoke: {
    id: "session.revoke",
    label: "Revoke",
    section: "Sessions",
    danger: true,
    enabled: (_ctx, s) => (s.current ? "This is the session you are using — log out instead" : true),
    perform: async (ctx, s) => {
      if (!(await ctx.confirm("Revoke this session? That device is logged out.", { confirmLabel: "Revoke session", danger: true }))) return;
      await ctx.run("revokeSession", { params: { sessionId: s.id } }, "Session revoked");
    },
  },
} satisfies Record<string, Action<Session>>;
