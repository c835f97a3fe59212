export * from "./access/evaluate.js";
export * from "./access/permissions.js";
export * from "./apps/index.js";
export * from "./clusters/index.js";
export * from "./contract/index.js";
export * from "./errors.js";
