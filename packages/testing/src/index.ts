export * from "./api.js";
export * from "./server.js";
