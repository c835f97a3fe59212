export * from "./api.js";
export * from "./server.js";
export * from "./debian-postgres.js";
export * from "./wait.js";
