export * from "./database.js";
export * from "./embedded.js";
export * from "./migrate.js";
export * from "./pagination.js";
