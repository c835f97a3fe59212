export * from "./access.js";
export * from "./audit.js";
export * from "./clusters.js";
export * from "./common.js";
export * from "./define-route.js";
export * from "./identity.js";
export * from "./orgs.js";
export * from "./routes.js";
