import { type ReactNode, useEffect } from "react";
import { ActionButton } from "../actions/action-button";
import { Button } from "../ui/button";
import { EmptyState, ErrorState, Spinner } from "../ui/feedback";
import type { ResourceDescriptor } from "./descriptor";

export interface ListState {
  isLoading: boolean;
  error: unknown;
  refetch: () => void;
  hasNextPage?: boolean;
  isFetchingNextPage?: boolean;
  fetchNextPage?: () => void;
}

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Meridian`;
  }, [title]);
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {description ? <p className="muted">{description}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

/** Generic table for any descriptor; rows turn into labelled cards on narrow screens. */
export function ResourceTable<T>({ descriptor, rows, state, filtered }: { descriptor: ResourceDescriptor<T>; rows: T[]; state: ListState; filtered?: boolean }) {
  if (state.isLoading) return <Spinner />;
  if (state.error) return <ErrorState error={state.error} onRetry={state.refetch} />;
  if (rows.length === 0) {
    if (filtered) return <EmptyState title="Nothing matches" body="Try a different search." />;
    return (
      <EmptyState
        title={descriptor.empty.title}
        body={descriptor.empty.body}
        action={descriptor.createAction ? <ActionButton action={descriptor.createAction} variant="primary" /> : undefined}
      />
    );
  }
  const hasActions = (descriptor.rowActions?.length ?? 0) > 0;
  return (
    <div className="table-wrap">
      <table className="table responsive" data-resource={descriptor.id}>
        <thead>
          <tr>
            {descriptor.columns.map((c) => (
              <th key={c.id} style={c.width ? { width: c.width } : undefined}>
                {c.header}
              </th>
            ))}
            {hasActions ? <th className="actions-col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={descriptor.rowKey(row)} data-row={descriptor.rowKey(row)}>
              {descriptor.columns.map((c) => (
                <td key={c.id} data-label={c.header} className={c.secondary ? "secondary" : undefined}>
                  {c.cell(row)}
                </td>
              ))}
              {hasActions ? (
                <td className="actions-col" data-label="">
                  <div className="row-actions">
                    {descriptor.rowActions?.map((a) => (
                      <ActionButton key={a.id} action={a} target={row} size="sm" variant={a.danger ? "ghost" : "secondary"} />
                    ))}
                  </div>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {state.hasNextPage ? (
        <div className="load-more">
          <Button onClick={() => state.fetchNextPage?.()} busy={state.isFetchingNextPage}>
            Load more
          </Button>
        </div>
      ) : null}
    </div>
  );
}

export function SearchBox({ value, onChange, placeholder }: { value: string; onChange: (v: string) => void; placeholder: string }) {
  return <input type="search" className="input search" placeholder={placeholder} aria-label={placeholder} value={value} onChange={(e) => onChange(e.currentTarget.value)} />;
}
