import type { ApiToken, Invitation, Member, Project, Role, RoleBinding, Session, Team } from "@meridian/core";
import { Link } from "@tanstack/react-router";
import {
  bindingActions,
  globalActions,
  invitationActions,
  memberActions,
  projectActions,
  roleActions,
  sessionActions,
  teamActions,
  tokenActions,
} from "../actions/catalog";
import { Badge, formatDate, formatTime, relativeTime } from "../ui/feedback";
import type { ResourceDescriptor } from "./descriptor";

function ProjectName({ p, orgId }: { p: Project; orgId: string }) {
  return (
    <Link to="/orgs/$orgId/projects/$projectId" params={{ orgId, projectId: p.id }} className="strong-link">
      {p.name}
    </Link>
  );
}

export function projectDescriptor(orgId: string, teamName: (id: string | null) => string): ResourceDescriptor<Project> {
  return {
    id: "projects",
    title: "Projects",
    description: "Units of ownership: each has its environments (dev, staging, prod…).",
    rowKey: (p) => p.id,
    columns: [
      { id: "name", header: "Name", cell: (p) => <ProjectName p={p} orgId={orgId} /> },
      { id: "slug", header: "Slug", cell: (p) => <code>{p.slug}</code> },
      { id: "team", header: "Team", cell: (p) => teamName(p.teamId) },
      { id: "envs", header: "Envs", cell: (p) => p.environmentCount },
      { id: "description", header: "Description", cell: (p) => <span className="muted cell-text" title={p.description}>{p.description || "—"}</span>, secondary: true },
      { id: "created", header: "Created", cell: (p) => <span className="nowrap">{formatDate(p.createdAt)}</span>, secondary: true },
    ],
    rowActions: [projectActions.edit, projectActions.remove],
    createAction: globalActions.createProject,
    empty: { title: "No projects yet", body: "A project groups the environments and, later, the apps of one service or product." },
  };
}

export const teamDescriptor: ResourceDescriptor<Team> = {
  id: "teams",
  title: "Teams",
  description: "Groups of members; give a team a role once instead of each person.",
  rowKey: (t) => t.id,
  columns: [
    { id: "name", header: "Name", cell: (t) => <strong>{t.name}</strong> },
    { id: "slug", header: "Slug", cell: (t) => <code>{t.slug}</code> },
    { id: "members", header: "Members", cell: (t) => t.memberCount },
    { id: "description", header: "Description", cell: (t) => <span className="muted cell-text" title={t.description}>{t.description || "—"}</span>, secondary: true },
  ],
  rowActions: [teamActions.members, teamActions.edit, teamActions.remove],
  createAction: globalActions.createTeam,
  empty: { title: "No teams yet", body: "Teams own projects and receive roles as a group." },
};

export const memberDescriptor: ResourceDescriptor<Member> = {
  id: "members",
  title: "Members",
  description: "People in this organization and their organization-wide roles.",
  rowKey: (m) => m.userId,
  columns: [
    {
      id: "user",
      header: "Member",
      cell: (m) => (
        <span className="stack">
          <strong>{m.displayName || m.username}</strong>
          <span className="muted small">
            @{m.username}
            {m.email ? ` · ${m.email}` : ""}
          </span>
        </span>
      ),
    },
    {
      id: "roles",
      header: "Roles",
      cell: (m) => (
        <span className="badges">
          {m.roles.length === 0 ? <span className="muted">none</span> : m.roles.map((r) => <Badge key={r.bindingId} tone="accent">{r.roleName}</Badge>)}
        </span>
      ),
    },
    { id: "teams", header: "Teams", cell: (m) => (m.teams.length ? m.teams.map((t) => t.name).join(", ") : "—"), secondary: true },
    { id: "joined", header: "Joined", cell: (m) => <span className="nowrap">{formatDate(m.joinedAt)}</span>, secondary: true },
  ],
  rowActions: [memberActions.setRoles, memberActions.access, memberActions.remove],
  createAction: globalActions.createInvitation,
  empty: { title: "No members", body: "Invite people to work with you." },
};

const statusTone = { pending: "accent", accepted: "success", revoked: "neutral", expired: "warning" } as const;

export const invitationDescriptor: ResourceDescriptor<Invitation> = {
  id: "invitations",
  title: "Invitations",
  description: "Links that let someone join this organization with a role.",
  rowKey: (i) => i.id,
  columns: [
    { id: "email", header: "Email", cell: (i) => <strong>{i.email}</strong> },
    { id: "role", header: "Role", cell: (i) => i.roleName },
    { id: "status", header: "Status", cell: (i) => <Badge tone={statusTone[i.status]}>{i.status}</Badge> },
    { id: "by", header: "Invited by", cell: (i) => i.invitedBy, secondary: true },
    { id: "expires", header: "Expires", cell: (i) => (i.status === "pending" ? relativeTime(i.expiresAt) : i.acceptedBy ? `accepted by ${i.acceptedBy}` : "—"), secondary: true },
  ],
  rowActions: [invitationActions.revoke],
  createAction: globalActions.createInvitation,
  empty: { title: "No invitations yet", body: "Invite someone by email; you get a link to share." },
};

export const roleDescriptor: ResourceDescriptor<Role> = {
  id: "roles",
  title: "Roles",
  rowKey: (r) => r.id,
  columns: [
    {
      id: "name",
      header: "Role",
      cell: (r) => (
        <span className="stack">
          <strong>
            {r.name} {r.builtin ? <Badge>built-in</Badge> : <Badge tone="accent">custom</Badge>}
          </strong>
          <span className="muted small">{r.description}</span>
        </span>
      ),
    },
    { id: "perms", header: "Permissions", cell: (r) => <code className="clamp">{r.permissions.slice(0, 4).join(", ")}{r.permissions.length > 4 ? ` +${r.permissions.length - 4}` : ""}</code>, secondary: true },
  ],
  rowActions: [roleActions.view, roleActions.remove],
  createAction: globalActions.createRole,
  empty: { title: "No roles" },
};

export const bindingDescriptor: ResourceDescriptor<RoleBinding> = {
  id: "role-bindings",
  title: "Role bindings",
  rowKey: (b) => b.id,
  columns: [
    { id: "subject", header: "Who", cell: (b) => <span><Badge>{b.subject.kind}</Badge> {b.subject.name}</span> },
    { id: "role", header: "Role", cell: (b) => <strong>{b.roleName}</strong> },
    { id: "scope", header: "Where", cell: (b) => <code>{b.scopeName}</code> },
    { id: "by", header: "Granted", cell: (b) => `${formatTime(b.createdAt)}${b.createdBy ? ` by ${b.createdBy}` : ""}`, secondary: true },
  ],
  rowActions: [bindingActions.remove],
  createAction: globalActions.createBinding,
  empty: { title: "No role bindings", body: "Grant a role to a member or team at the organization, a project or an environment." },
};

export function describeScope(scope: ApiToken["scope"], projectName: (id: string) => string | undefined): string {
  if (scope.kind === "organization") return "whole organization";
  const project = projectName(scope.projectId) ?? "a project";
  return scope.kind === "project" ? `project ${project}` : `an environment of ${project}`;
}

export function tokenDescriptor(projectName: (id: string) => string | undefined): ResourceDescriptor<ApiToken> {
  return {
    id: "tokens",
    title: "API tokens",
    description: "For the CLI, CI and scripts. A token acts with its role, within its scope.",
    rowKey: (t) => t.id,
    columns: [
      { id: "name", header: "Name", cell: (t) => <span className="stack"><strong>{t.name}</strong><code className="muted small">{t.prefix}…</code></span> },
      { id: "role", header: "Role", cell: (t) => t.roleName },
      { id: "scope", header: "Scope", cell: (t) => describeScope(t.scope, projectName) },
      { id: "owner", header: "Owner", cell: (t) => t.ownerName, secondary: true },
      { id: "used", header: "Last used", cell: (t) => (t.lastUsedAt ? `${relativeTime(t.lastUsedAt)}${t.lastUsedIp ? ` from ${t.lastUsedIp}` : ""}` : "never"), secondary: true },
      {
        id: "status",
        header: "Status",
        cell: (t) =>
          t.revokedAt ? <Badge>revoked</Badge> : new Date(t.expiresAt) < new Date() ? <Badge tone="warning">expired</Badge> : <Badge tone="success">expires {relativeTime(t.expiresAt)}</Badge>,
      },
    ],
    rowActions: [tokenActions.revoke],
    createAction: globalActions.createToken,
    empty: { title: "No API tokens yet", body: "Create one for the CLI or your CI pipeline." },
  };
}

export const sessionDescriptor: ResourceDescriptor<Session> = {
  id: "sessions",
  title: "Sessions",
  description: "Browsers where you are logged in.",
  rowKey: (s) => s.id,
  columns: [
    {
      id: "device",
      header: "Device",
      cell: (s) => (
        <span className="stack">
          <span>
            {describeAgent(s.userAgent)} {s.current ? <Badge tone="success">this session</Badge> : null}
          </span>
          <span className="muted small">{s.ip ?? "unknown address"}</span>
        </span>
      ),
    },
    { id: "started", header: "Started", cell: (s) => formatTime(s.createdAt) },
    { id: "seen", header: "Last seen", cell: (s) => relativeTime(s.lastSeenAt) },
    { id: "expires", header: "Expires", cell: (s) => formatTime(s.expiresAt), secondary: true },
  ],
  rowActions: [sessionActions.revoke],
  empty: { title: "No sessions" },
};

function describeAgent(ua: string | null): string {
  if (!ua) return "Unknown device";
  const browser = /Firefox\//.test(ua) ? "Firefox" : /Edg\//.test(ua) ? "Edge" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : /meridian/i.test(ua) ? "Meridian CLI" : "Browser";
  const os = /Windows/.test(ua) ? "Windows" : /Mac OS X/.test(ua) ? "macOS" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Linux/.test(ua) ? "Linux" : "";
  return os ? `${browser} on ${os}` : browser;
}
