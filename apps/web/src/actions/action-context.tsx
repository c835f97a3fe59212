import type { CallInput } from "@meridian/client";
import type { RouteId, Routes } from "@meridian/core";
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "@tanstack/react-router";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { api, setCsrfToken } from "../api/client";
import { errorMessage, isUnauthenticated } from "../api/errors";
import { afterWrite, useApiQuery } from "../api/hooks";
import { useOrgAccess } from "../access/org-access";
import type { DialogRequest } from "../app/dialog-request";
import { useMe } from "../app/session";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { nextTheme, setTheme, useTheme } from "../ui/theme";
import { useToast } from "../ui/toast";
import { globalActions, orgSwitchActions, projectJumpActions } from "./catalog";
import { clusterJumpActions } from "./cluster-catalog";
import type { ActionContext, GlobalAction } from "./registry";
import { useShortcuts } from "./use-shortcuts";

const Ctx = createContext<ActionContext | null>(null);

export function useActionContext(): ActionContext {
  const c = useContext(Ctx);
  if (!c) throw new Error("useActionContext outside ActionsProvider");
  return c;
}

interface ConfirmState {
  message: string;
  confirmLabel: string;
  danger: boolean;
  resolve: (v: boolean) => void;
}

export interface OverlayState {
  dialog: DialogRequest | null;
  palette: boolean;
}

/**
 * Builds the action context for the signed-in shell and renders what actions open: dialogs, the
 * confirmation prompt, the palette and the shortcut help. `renderOverlays` keeps this module free of the
 * page-specific dialog components.
 */
export function ActionsProvider({
  orgId,
  children,
  renderOverlays,
}: {
  orgId: string | null;
  children: ReactNode;
  renderOverlays: (o: OverlayState & { close: () => void; closePalette: () => void; actions: GlobalAction[] }) => ReactNode;
}) {
  const me = useMe();
  const access = useOrgAccess(me.data, orgId);
  const router = useRouter();
  const queryClient = useQueryClient();
  const notify = useToast();
  const theme = useTheme();
  const [dialog, setDialog] = useState<DialogRequest | null>(null);
  const [palette, setPalette] = useState(false);
  const [confirm, setConfirm] = useState<ConfirmState | null>(null);

  const run = useCallback(
    async <K extends RouteId>(id: K, input: CallInput<Routes[K]>, success?: string) => {
      try {
        const out = await api.call(id, input);
        await afterWrite(queryClient);
        if (success) notify("success", success);
        return out;
      } catch (err) {
        notify("error", errorMessage(err));
        if (isUnauthenticated(err)) void router.navigate({ to: "/login", search: { next: router.state.location.href } });
        return undefined;
      }
    },
    [queryClient, notify, router],
  );

  const ctx = useMemo<ActionContext>(
    () => ({
      me: me.data,
      orgId,
      can: access.can,
      navigate: (path) => {
        setPalette(false);
        // The router takes the query as an object; paths from actions may carry one (`/resources?kind=Pod`).
        const [pathname, query] = path.split("?", 2);
        const search = query ? Object.fromEntries(new URLSearchParams(query)) : undefined;
        void router.navigate({ to: pathname as never, search: search as never });
      },
      open: (d) => {
        setPalette(false);
        setDialog(d);
      },
      confirm: (message, opts = {}) =>
        new Promise<boolean>((resolve) =>
          setConfirm({ message, confirmLabel: opts.confirmLabel ?? "Confirm", danger: opts.danger ?? false, resolve }),
        ),
      run: run as ActionContext["run"],
      notify,
      togglePalette: () => setPalette((p) => !p),
      toggleHelp: () => setDialog((d) => (d?.kind === "shortcuts-help" ? null : { kind: "shortcuts-help" })),
      cycleTheme: () => setTheme(nextTheme(theme)),
      logout: async () => {
        try {
          await api.call("logout");
        } catch {
          // already logged out is fine
        }
        setCsrfToken(null);
        queryClient.clear();
        void router.navigate({ to: "/login" });
      },
    }),
    [me.data, orgId, access, router, run, notify, theme, queryClient],
  );

  const actions = useMemo<GlobalAction[]>(() => [...Object.values(globalActions), ...orgSwitchActions(me.data)], [me.data]);
  useShortcuts(actions, ctx, true);
  // Projects are fetched only while the palette is open, to jump to one by name.
  const projects = useApiQuery("listProjects", { params: { orgId: orgId ?? "" }, query: { limit: 100, sort: "name" } }, { enabled: palette && !!orgId });
  const clusters = useApiQuery("listClusters", { params: { orgId: orgId ?? "" }, query: { limit: 500, sort: "name" } }, { enabled: palette && !!orgId && access.can("cluster:read") });
  const paletteActions = useMemo(
    () => [...actions, ...projectJumpActions(projects.data?.items ?? []), ...clusterJumpActions(clusters.data?.items ?? [])],
    [actions, projects.data, clusters.data],
  );

  function answer(v: boolean) {
    confirm?.resolve(v);
    setConfirm(null);
  }

  return (
    <Ctx.Provider value={ctx}>
      {children}
      {renderOverlays({ dialog, palette, actions: paletteActions, close: () => setDialog(null), closePalette: () => setPalette(false) })}
      {confirm ? (
        <Dialog
          title="Are you sure?"
          onClose={() => answer(false)}
          footer={
            <>
              <Button onClick={() => answer(false)}>Cancel</Button>
              <Button variant={confirm.danger ? "danger" : "primary"} onClick={() => answer(true)} data-testid="confirm">
                {confirm.confirmLabel}
              </Button>
            </>
          }
        >
          <p>{confirm.message}</p>
        </Dialog>
      ) : null}
    </Ctx.Provider>
  );
}
