import * as core from "@meridian/core";

// The shared formatters of @meridian/core, with "-" for unknown values as terminals print them.
export { formatDuration, formatObjectName } from "@meridian/core";
export const formatMillicores = (v: unknown) => core.formatMillicores(v, "-");
export const formatBytes = (v: unknown) => core.formatBytes(v, "-");
export const formatAge = (iso: unknown, now = Date.now()) => core.formatAge(iso, now, "-");
export const formatCell = (v: unknown, format: core.KindColumn["format"], now = Date.now()) => core.formatCell(v, format, now, "-");
