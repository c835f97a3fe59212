export { createSwarmConnection, type SwarmConnectionOptions } from "./connection.js";
export { describeSwarmEndpoint, type SwarmAuthMethod, type SwarmConnectionConfig } from "./endpoint.js";
export { MeridianServiceSpec } from "./service-spec.js";
export type { SwarmAppOptions } from "./apps/app-driver.js";
export type { RouterOptions as SwarmRouterOptions } from "./apps/caddy-admin.js";
