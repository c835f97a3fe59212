import type { ReactNode } from "react";
import type { Action, GlobalAction } from "../actions/registry";

export interface Column<T> {
  id: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** Hidden in the phone layout, where each row becomes a card. */
  secondary?: boolean;
  width?: string;
}

/**
 * Everything a generic list view needs to know about one resource type: its columns, row commands, the
 * command that creates one, and the empty state. Pages only fetch data and pass it in.
 */
export interface ResourceDescriptor<T> {
  id: string;
  title: string;
  description?: string;
  rowKey: (row: T) => string;
  columns: Column<T>[];
  rowActions?: Action<T>[];
  createAction?: GlobalAction;
  empty: { title: string; body?: string };
}
