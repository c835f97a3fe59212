export * from "./connection.js";
export * from "./format.js";
export * from "./kinds.js";
export * from "./policy-templates.js";
