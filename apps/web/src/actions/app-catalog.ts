import type { App, AppEnvironmentStatus, Release } from "@meridian/core";
import { api } from "../api/client";
import { errorMessage } from "../api/errors";
import { canPromote, isOpen } from "../apps/status";
import type { Action, ActionContext, GlobalAction } from "./registry";

/**
 * Commands on apps and their releases. App permissions are often granted per project or environment, which
 * the organization-scope roles the UI knows cannot show, so none declares `requires`: the server decides and
 * its message is shown.
 */

const orgOf = (ctx: ActionContext) => ctx.orgId ?? "";
export const appPath = (orgId: string, projectId: string, app: string) => `/orgs/${orgId}/apps/${projectId}/${app}`;

export const createAppAction: GlobalAction = {
  id: "app.create",
  label: "Create app",
  section: "Create",
  shortcut: "c a",
  keywords: "deploy image git template wizard new application service",
  needsOrg: true,
  perform: (ctx) => ctx.open({ kind: "create-app" }),
};

/** Target of the per-environment commands. */
export interface AppEnvTarget {
  app: App;
  env: AppEnvironmentStatus;
  /** The environment's open release, when the page has it (for promote's enabling rule). */
  open?: Release | null;
}

const envParams = (ctx: ActionContext, t: { app: App; env: { environmentId: string } }) => ({ orgId: orgOf(ctx), projectId: t.app.projectId, environmentId: t.env.environmentId, app: t.app.name });

export const appActions = {
  deploy: {
    id: "app.deploy",
    label: "Deploy",
    section: "Apps",
    keywords: "release rollout ship",
    enabled: (_ctx, t) => (t.env.inProgress ? `Release #${t.env.inProgress.number} is still running here: promote or abort it first` : true),
    perform: (ctx, t) => ctx.open({ kind: "deploy-app", app: t.app, environmentId: t.env.environmentId }),
  },
  promote: {
    id: "app.promote",
    label: "Promote",
    section: "Apps",
    keywords: "continue resume canary",
    enabled: (_ctx, t) => {
      if (!t.env.inProgress) return "No release is running";
      if (t.open && !canPromote(t.open)) return `Release #${t.open.number} is not waiting at a pause`;
      return t.env.inProgress.state === "pending" ? "The release has not started yet" : true;
    },
    perform: async (ctx, t) => {
      await ctx.run("promoteRelease", { params: envParams(ctx, t) }, `Promoted release #${t.env.inProgress?.number ?? ""} in ${t.env.environmentName}`);
    },
  },
  abort: {
    id: "app.abort",
    label: "Abort",
    section: "Apps",
    danger: true,
    enabled: (_ctx, t) => (t.env.inProgress && isOpen(t.env.inProgress.state) ? true : "No release is running"),
    perform: async (ctx, t) => {
      const n = t.env.inProgress?.number;
      if (!(await ctx.confirm(`Abort release #${n} of ${t.app.name} in ${t.env.environmentName}? Traffic returns to the version serving before it.`, { confirmLabel: "Abort release", danger: true }))) return;
      await ctx.run("abortRelease", { params: envParams(ctx, t) }, `Aborting release #${n}`);
    },
  },
  logs: {
    id: "app.logs",
    label: "Logs",
    section: "Apps",
    enabled: (_ctx, t) => (t.env.deployed ? true : `Not deployed in ${t.env.environmentName}`),
    perform: (ctx, t) => ctx.navigate(`${appPath(orgOf(ctx), t.app.projectId, t.app.name)}?tab=logs&env=${t.env.environmentSlug}`),
  },
} satisfies Record<string, Action<AppEnvTarget>>;

export interface ReleaseTarget {
  app: App;
  release: Release;
  /** Releases whose version serves now: the current one and, for a rollback, the one it pinned. */
  serving: readonly number[];
}

export const releaseActions = {
  rollback: {
    id: "release.rollback",
    label: "Roll back to this",
    section: "Apps",
    keywords: "revert previous",
    enabled: (_ctx, t) => {
      if (t.release.state !== "succeeded") return "Only a release that succeeded can be rolled back to";
      if (t.serving.includes(t.release.number)) return "This version is serving now";
      return true;
    },
    perform: async (ctx, t) => {
      const r = t.release;
      const msg = `Roll ${t.app.name} in ${r.environmentSlug} back to release #${r.number} (${r.image})? A new release runs that version again.`;
      if (!(await ctx.confirm(msg, { confirmLabel: `Roll back to #${r.number}` }))) return;
      const out = await ctx.run("rollbackApp", { params: { orgId: orgOf(ctx), projectId: t.app.projectId, environmentId: r.environmentId, app: t.app.name }, body: { to: r.number } });
      if (out) ctx.notify("success", `Release #${out.number} rolls back to #${r.number}`);
    },
  },
} satisfies Record<string, Action<ReleaseTarget>>;

/** Saves the document as a file, as `meridian export` would write it. */
async function downloadExport(ctx: ActionContext, app: App): Promise<void> {
  try {
    const res = await api.raw("exportApp", { params: { orgId: orgOf(ctx), projectId: app.projectId, app: app.name }, query: { format: "yaml" } });
    const blob = new Blob([await res.text()], { type: "application/yaml" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `${app.name}.yaml`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  } catch (err) {
    ctx.notify("error", errorMessage(err));
  }
}

export const appDocActions = {
  export: { id: "app.export", label: "Export YAML", section: "Apps", keywords: "download document apply", perform: (ctx, app) => downloadExport(ctx, app) },
  remove: {
    id: "app.delete",
    label: "Delete app",
    section: "Apps",
    danger: true,
    perform: async (ctx, app) => {
      const deployed = app.environments.filter((e) => e.deployed).map((e) => e.environmentName);
      const where = deployed.length ? ` It is removed from ${deployed.join(", ")} too.` : "";
      if (!(await ctx.confirm(`Delete ${app.projectSlug}/${app.name} and its release history?${where}`, { confirmLabel: `Delete ${app.name}`, danger: true }))) return;
      const ok = await ctx.run("deleteApp", { params: { orgId: orgOf(ctx), projectId: app.projectId, app: app.name } }, `Deleted ${app.name}`);
      if (ok) ctx.navigate(`/orgs/${orgOf(ctx)}/apps`);
    },
  },
} satisfies Record<string, Action<App>>;
