// FOCUS bill ingestion, validation and storage (issue 6). See docs/adr/0006-cost-storage.md for the storage decision.
export { type CostQuery, type CostStore, type CostStoreOptions, openCostStore, type PeriodSummary } from "./cost-store.js";
export { defaultModelPath, type FocusColumn, type FocusModel, loadFocusModel } from "./focus-model.js";
export type { ImportOptions, ImportResult } from "./import-focus.js";
export type { ConformanceReport, RowProblem, RuleFailure } from "./validate.js";
export { type ConversionResult, convertAwsCur, convertAzureEa } from "./convert-legacy.js";
