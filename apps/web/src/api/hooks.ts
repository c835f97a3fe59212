import type { CallInput } from "@meridian/client";
import type { RouteId, RouteResponse, Routes } from "@meridian/core";
import {
  type InfiniteData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { api } from "./client";

/** Query keys are the route id followed by its input, so invalidation can address a route or a whole org. */
export function apiKey<K extends RouteId>(id: K, input?: CallInput<Routes[K]>): readonly unknown[] {
  return input === undefined ? [id] : [id, input];
}

export function useApiQuery<K extends RouteId>(
  id: K,
  input: CallInput<Routes[K]>,
  opts: { enabled?: boolean; refetchInterval?: number | false | ((data: RouteResponse<Routes[K]> | undefined) => number | false) } = {},
) {
  const every = opts.refetchInterval;
  return useQuery({
    queryKey: apiKey(id, input),
    queryFn: () => api.call(id, input),
    enabled: opts.enabled,
    // A function sees the latest answer: poll faster while something runs (a release), slower when idle.
    refetchInterval: typeof every === "function" ? (q) => every(q.state.data as RouteResponse<Routes[K]> | undefined) : every,
  });
}

// The whole page type, so pages with extra fields (inventory's `total`, `incomplete`) keep them.
type PageOf<K extends RouteId> = RouteResponse<Routes[K]> extends { items: unknown; nextCursor: string | null } ? RouteResponse<Routes[K]> : never;

/** Cursor pagination: pages are fetched on demand ("load more" or scrolling near the end). */
export function useApiInfinite<K extends RouteId>(id: K, input: CallInput<Routes[K]>, opts: { enabled?: boolean; refetchInterval?: number | false } = {}) {
  return useInfiniteQuery<PageOf<K>, Error, InfiniteData<PageOf<K>>, readonly unknown[], string | undefined>({
    queryKey: [...apiKey(id, input), "pages"],
    initialPageParam: undefined,
    queryFn: ({ pageParam }) => {
      const base = input as { query?: object };
      return api.call(id, { ...input, query: { ...(base.query ?? {}), cursor: pageParam } } as never) as Promise<PageOf<K>>;
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: opts.enabled,
    refetchInterval: opts.refetchInterval,
  });
}

export function flattenPages<T>(data: InfiniteData<{ items: T[] }> | undefined): T[] {
  return data ? data.pages.flatMap((p) => p.items) : [];
}

/** Everything a mutation can change is small here: refresh the active queries after any write. */
export async function afterWrite(queryClient: QueryClient): Promise<void> {
  await queryClient.invalidateQueries();
}

export function useApiMutation<K extends RouteId>(id: K, opts: { onSuccess?: (data: RouteResponse<Routes[K]>) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CallInput<Routes[K]>) => api.call(id, input),
    onSuccess: async (data) => {
      opts.onSuccess?.(data);
      await afterWrite(queryClient);
    },
  });
}
