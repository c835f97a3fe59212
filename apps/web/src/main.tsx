import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { isUnauthenticated } from "./api/errors";
import { router } from "./app/router";
import { meKey } from "./app/session";
import { applyTheme } from "./ui/theme";
import { ToastProvider } from "./ui/toast";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/shell.css";
import "./styles/components.css";
import "./styles/clusters.css";
import "./styles/policy.css";
import "./styles/apps.css";
import "./styles/cost.css";

applyTheme();

/**
 * A 401 from any other query means the session ended: forget cached data and go to the login page. The
 * /me query is left to the shell, which redirects on its own.
 */
function onAuthError(err: unknown, key?: readonly unknown[]) {
  if (!isUnauthenticated(err) || key?.[0] === meKey[0]) return;
  const path = router.state.location.pathname;
  if (path === "/login" || path.startsWith("/invite/")) return;
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== meKey[0] });
  void router.navigate({ to: "/login", search: { next: router.state.location.href } });
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: (err, query) => onAuthError(err, query.queryKey) }),
  mutationCache: new MutationCache({ onError: (err) => onAuthError(err) }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      retry: (count, err) => !isUnauthenticated(err) && !(err as { status?: number }).status && count < 2,
      refetchOnWindowFocus: true,
    },
  },
});

const root = document.getElementById("root");
if (!root) throw new Error("#root missing");
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>
  </StrictMode>,
);
