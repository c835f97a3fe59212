export * from "./connection.js";
export * from "./kinds.js";
