import { createRootRoute, createRoute, createRouter, Link, lazyRouteComponent, Navigate, Outlet, useParams } from "@tanstack/react-router";
import { parseAppSearch, parseAppsSearch } from "../apps/search";
import { parseApplySearch, parseLogsSearch, parseResourceSearch, parseResourcesSearch } from "../clusters/search";
import { parseAuditSearch } from "../pages/audit-actions";
import { AuditPage } from "../pages/audit-page";
import { InvitationsPage } from "../pages/invitations-page";
import { InvitePage } from "../pages/invite-page";
import { LoginPage } from "../pages/login-page";
import { MembersPage } from "../pages/members-page";
import { ProfilePage } from "../pages/profile-page";
import { ProjectDetailPage } from "../pages/project-detail-page";
import { ProjectsPage } from "../pages/projects-page";
import { RolesPage } from "../pages/roles-page";
import { SessionsPage } from "../pages/sessions-page";
import { SettingsPage } from "../pages/settings-page";
import { TeamsPage } from "../pages/teams-page";
import { TokensPage } from "../pages/tokens-page";
import { EmptyState, ErrorState, Spinner } from "../ui/feedback";
import { AppShell, NoOrganization } from "./app-shell";
import { pickOrg, useMe } from "./session";

const rootRoute = createRootRoute({ component: () => <Outlet /> });

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/login",
  validateSearch: (s: Record<string, unknown>): { next?: string } => (typeof s.next === "string" ? { next: s.next } : {}),
  component: LoginPage,
});

const inviteRoute = createRoute({ getParentRoute: () => rootRoute, path: "/invite/$token", component: InvitePage });

const shellRoute = createRoute({ getParentRoute: () => rootRoute, id: "shell", component: AppShell });

function HomeRedirect() {
  const me = useMe();
  if (me.isLoading) return <Spinner />;
  const org = pickOrg(me.data);
  if (!org) return <NoOrganization />;
  return <Navigate to="/orgs/$orgId/projects" params={{ orgId: org }} replace />;
}
const homeRoute = createRoute({ getParentRoute: () => shellRoute, path: "/", component: HomeRedirect });

const orgRoute = createRoute({ getParentRoute: () => shellRoute, path: "/orgs/$orgId" });
function OrgIndex() {
  const { orgId } = useParams({ from: "/shell/orgs/$orgId/" });
  return <Navigate to="/orgs/$orgId/projects" params={{ orgId }} replace />;
}
const orgIndexRoute = createRoute({ getParentRoute: () => orgRoute, path: "/", component: OrgIndex });
const projectsRoute = createRoute({ getParentRoute: () => orgRoute, path: "/projects", component: ProjectsPage });
const projectRoute = createRoute({ getParentRoute: () => orgRoute, path: "/projects/$projectId", component: ProjectDetailPage });
const teamsRoute = createRoute({ getParentRoute: () => orgRoute, path: "/teams", component: TeamsPage });
const membersRoute = createRoute({ getParentRoute: () => orgRoute, path: "/members", component: MembersPage });
const invitationsRoute = createRoute({ getParentRoute: () => orgRoute, path: "/invitations", component: InvitationsPage });
const rolesRoute = createRoute({ getParentRoute: () => orgRoute, path: "/roles", component: RolesPage });
const tokensRoute = createRoute({ getParentRoute: () => orgRoute, path: "/tokens", component: TokensPage });
const auditRoute = createRoute({ getParentRoute: () => orgRoute, path: "/audit", validateSearch: parseAuditSearch, component: AuditPage });
// The cluster pages (tables, node map, YAML, logs) load on first visit, keeping the first paint small.
const clustersRoute = createRoute({ getParentRoute: () => orgRoute, path: "/clusters", component: lazyRouteComponent(() => import("../pages/clusters-page"), "ClustersPage") });
const clusterRoute = createRoute({ getParentRoute: () => orgRoute, path: "/clusters/$clusterId", component: lazyRouteComponent(() => import("../pages/cluster-detail-page"), "ClusterDetailPage") });
const resourceRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: "/clusters/$clusterId/resource",
  validateSearch: parseResourceSearch,
  component: lazyRouteComponent(() => import("../pages/resource-detail-page"), "ResourceDetailPage"),
});
const logsRoute = createRoute({ getParentRoute: () => orgRoute, path: "/clusters/$clusterId/logs", validateSearch: parseLogsSearch, component: lazyRouteComponent(() => import("../pages/logs-page"), "LogsPage") });
const resourcesRoute = createRoute({ getParentRoute: () => orgRoute, path: "/resources", validateSearch: parseResourcesSearch, component: lazyRouteComponent(() => import("../pages/resources-page"), "ResourcesPage") });
const applyRoute = createRoute({ getParentRoute: () => orgRoute, path: "/apply", validateSearch: parseApplySearch, component: lazyRouteComponent(() => import("../pages/apply-page"), "ApplyPage") });
// Apps: the list, and one app's page (environments, history, logs, spec, env & secrets, domains) by project id and name.
const appsRoute = createRoute({ getParentRoute: () => orgRoute, path: "/apps", validateSearch: parseAppsSearch, component: lazyRouteComponent(() => import("../pages/apps-page"), "AppsPage") });
const appRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: "/apps/$projectId/$app",
  validateSearch: parseAppSearch,
  component: lazyRouteComponent(() => import("../pages/app-detail-page"), "AppDetailPage"),
});
// Cost: the explorer over imported FOCUS bills, the import dialog, the loaded billing periods.
const costRoute = createRoute({ getParentRoute: () => orgRoute, path: "/cost", component: lazyRouteComponent(() => import("../pages/cost-page"), "CostPage") });
const settingsRoute = createRoute({ getParentRoute: () => orgRoute, path: "/settings", component: SettingsPage });
const profileRoute = createRoute({ getParentRoute: () => shellRoute, path: "/me/profile", component: ProfilePage });
const sessionsRoute = createRoute({ getParentRoute: () => shellRoute, path: "/me/sessions", component: SessionsPage });

const routeTree = rootRoute.addChildren([
  loginRoute,
  inviteRoute,
  shellRoute.addChildren([
    homeRoute,
    orgRoute.addChildren([
      orgIndexRoute,
      projectsRoute,
      projectRoute,
      appsRoute,
      appRoute,
      clustersRoute,
      clusterRoute,
      resourceRoute,
      logsRoute,
      resourcesRoute,
      applyRoute,
      costRoute,
      teamsRoute,
      membersRoute,
      invitationsRoute,
      rolesRoute,
      tokensRoute,
      auditRoute,
      settingsRoute,
    ]),
    profileRoute,
    sessionsRoute,
  ]),
]);

function NotFound() {
  return (
    <div className="center-page">
      <EmptyState title="Page not found" body="The address does not match any page." action={<Link to="/">Go to the start page</Link>} />
    </div>
  );
}

function RouteError({ error }: { error: unknown }) {
  return (
    <div className="center-page">
      <ErrorState error={error} onRetry={() => window.location.reload()} />
    </div>
  );
}

export const router = createRouter({
  routeTree,
  defaultPreload: false,
  scrollRestoration: true,
  defaultNotFoundComponent: NotFound,
  defaultErrorComponent: RouteError,
});

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
