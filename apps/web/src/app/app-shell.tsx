import { Link, Navigate, Outlet, useLocation, useParams } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import { useActionContext, ActionsProvider } from "../actions/action-context";
import { ActionButton } from "../actions/action-button";
import { globalActions } from "../actions/catalog";
import { type Action, actionLabel, actionState, formatShortcut } from "../actions/registry";
import { isUnauthenticated } from "../api/errors";
import { EmptyState, ErrorState, Spinner } from "../ui/feedback";
import { Menu, MenuItem } from "../ui/menu";
import { effectiveTheme, useTheme } from "../ui/theme";
import { DialogHost } from "./dialog-host";
import { pickOrg, rememberOrg, useMe } from "./session";

const navItems = [
  { label: "Projects", rest: "projects", action: globalActions.goProjects, icon: "▦" },
  { label: "Apps", rest: "apps", action: globalActions.goApps, icon: "◫" },
  { label: "Clusters", rest: "clusters", action: globalActions.goClusters, icon: "⬡" },
  { label: "Resources", rest: "resources", action: globalActions.goResources, icon: "▤" },
  { label: "Cost", rest: "cost", action: globalActions.goCost, icon: "¤" },
  { label: "Teams", rest: "teams", action: globalActions.goTeams, icon: "◎" },
  { label: "Members", rest: "members", action: globalActions.goMembers, icon: "☺" },
  { label: "Invitations", rest: "invitations", action: globalActions.goInvitations, icon: "✉" },
  { label: "Roles", rest: "roles", action: globalActions.goRoles, icon: "◆" },
  { label: "Tokens", rest: "tokens", action: globalActions.goTokens, icon: "⌁" },
  { label: "Audit log", rest: "audit", action: globalActions.goAudit, icon: "☰" },
  { label: "Settings", rest: "settings", action: globalActions.goSettings, icon: "⚙" },
] as const;

export function AppShell() {
  const me = useMe();
  const location = useLocation();
  const { orgId } = useParams({ strict: false }) as { orgId?: string };
  useEffect(() => {
    if (orgId) rememberOrg(orgId);
  }, [orgId]);
  if (me.isLoading || (me.error && me.isFetching)) return <Spinner label="Loading Meridian…" />;
  if (me.error) {
    if (isUnauthenticated(me.error)) {
      // While the router moves to /login this shell may render once more; never redirect from /login itself.
      if (location.pathname === "/login") return null;
      return <Navigate to="/login" search={location.pathname === "/" ? {} : { next: location.href }} replace />;
    }
    return (
      <div className="center-page">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      </div>
    );
  }
  const inOrg = orgId && !me.data?.organizations.some((o) => o.slug === orgId || o.id === orgId);
  // Pages outside an organization (profile, sessions) keep the last one in the sidebar and commands.
  const current = orgId ?? pickOrg(me.data);
  return (
    <ActionsProvider orgId={current} renderOverlays={(o) => <DialogHost {...o} />}>
      <Layout>{inOrg ? <EmptyState title="Organization not found" body={`You are not a member of “${orgId}”. Pick another organization from the switcher.`} /> : <Outlet />}</Layout>
    </ActionsProvider>
  );
}

function Layout({ children }: { children: React.ReactNode }) {
  const ctx = useActionContext();
  const location = useLocation();
  const [navOpen, setNavOpen] = useState(false);
  useEffect(() => setNavOpen(false), [location.pathname]);
  return (
    <div className={`shell${navOpen ? " nav-open" : ""}`}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <aside className="sidebar" aria-label="Main navigation">
        <div className="brand">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          <span>Meridian</span>
        </div>
        <OrgSwitcher />
        <nav className="nav">
          {navItems.map((n) => {
            const state = actionState(n.action, ctx, undefined);
            if (!ctx.orgId) return null;
            if (!state.enabled) {
              return (
                <span key={n.rest} className="nav-link disabled" title={state.reason} aria-disabled="true">
                  <span className="nav-icon" aria-hidden>
                    {n.icon}
                  </span>
                  {n.label}
                </span>
              );
            }
            return (
              <Link
                key={n.rest}
                to={`/orgs/${ctx.orgId}/${n.rest}` as never}
                className="nav-link"
                activeProps={{ className: "nav-link active", "aria-current": "page" }}
                activeOptions={{ includeSearch: false }}
                title={state.enabled ? `${n.label} (${formatShortcut(n.action.shortcut ?? "")})` : state.reason}
              >
                <span className="nav-icon" aria-hidden>
                  {n.icon}
                </span>
                {n.label}
              </Link>
            );
          })}
        </nav>
        <div className="sidebar-foot">
          <button type="button" className="palette-hint" onClick={ctx.togglePalette}>
            <span>Commands</span>
            <kbd>{formatShortcut("mod+k")}</kbd>
          </button>
        </div>
      </aside>
      <div className="scrim" onClick={() => setNavOpen(false)} aria-hidden />
      <div className="main-col">
        <header className="topbar">
          <button type="button" className="icon-btn menu-btn" aria-label="Open navigation" aria-expanded={navOpen} onClick={() => setNavOpen((v) => !v)}>
            ☰
          </button>
          <button type="button" className="topbar-search" onClick={ctx.togglePalette} aria-label="Open command palette">
            <span>Jump to…</span>
            <kbd>{formatShortcut("mod+k")}</kbd>
          </button>
          <div className="topbar-right">
            <ActionButton action={globalActions.help} variant="ghost" size="sm" label="?" />
            <UserMenu />
          </div>
        </header>
        <main className="content" id="main">
          {children}
        </main>
      </div>
    </div>
  );
}

function ActionMenuItem({ action, close, label }: { action: Action<void>; close: () => void; label?: string }) {
  const ctx = useActionContext();
  const state = actionState(action, ctx, undefined);
  return (
    <MenuItem
      disabled={!state.enabled}
      title={state.reason}
      onSelect={() => {
        close();
        void action.perform(ctx, undefined);
      }}
    >
      <span>{label ?? actionLabel(action, undefined)}</span>
      {action.shortcut ? <kbd>{formatShortcut(action.shortcut)}</kbd> : null}
    </MenuItem>
  );
}

function OrgSwitcher() {
  const ctx = useActionContext();
  const orgs = ctx.me?.organizations ?? [];
  const current = orgs.find((o) => o.slug === ctx.orgId || o.id === ctx.orgId);
  return (
    <Menu
      label="Switch organization"
      className="org-switcher"
      trigger={
        <>
          <span className="org-avatar" aria-hidden>
            {(current?.name ?? "?").slice(0, 1).toUpperCase()}
          </span>
          <span className="org-name">{current?.name ?? "Choose organization"}</span>
          <span aria-hidden>▾</span>
        </>
      }
    >
      {(close) => (
        <>
          <div className="menu-label">Organizations</div>
          {orgs.map((o) => (
            <MenuItem
              key={o.id}
              active={o.id === current?.id}
              onSelect={() => {
                close();
                ctx.navigate(`/orgs/${o.slug}/projects`);
              }}
            >
              <span>{o.name}</span>
              <span className="muted small">{o.roles.join(", ")}</span>
            </MenuItem>
          ))}
          <div className="menu-sep" />
          <ActionMenuItem action={globalActions.createOrg} close={close} label="Create organization…" />
        </>
      )}
    </Menu>
  );
}

function UserMenu() {
  const ctx = useActionContext();
  const theme = useTheme();
  const user = ctx.me?.user;
  const name = user?.displayName || user?.username || "?";
  return (
    <Menu
      label="User menu"
      align="end"
      className="user-menu"
      trigger={
        <span className="avatar" aria-hidden>
          {name.slice(0, 1).toUpperCase()}
        </span>
      }
    >
      {(close) => (
        <>
          <div className="menu-label">
            <strong>{name}</strong>
            <div className="muted small">@{user?.username}</div>
          </div>
          <ActionMenuItem action={globalActions.goProfile} close={close} label="Profile" />
          <ActionMenuItem action={globalActions.goSessions} close={close} label="Sessions" />
          <ActionMenuItem action={globalActions.theme} close={close} label={`Theme: ${theme}${theme === "system" ? ` (${effectiveTheme(theme)})` : ""}`} />
          <div className="menu-sep" />
          <ActionMenuItem action={globalActions.logout} close={close} />
        </>
      )}
    </Menu>
  );
}

export function NoOrganization() {
  return (
    <EmptyState
      title="You are not in any organization yet"
      body="Create one to start, or open an invitation link someone sent you."
      action={<ActionButton action={globalActions.createOrg} variant="primary" />}
    />
  );
}
