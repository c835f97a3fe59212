export * from "./connection.js";
export * from "./kinds.js";
export * from "./policy-templates.js";
