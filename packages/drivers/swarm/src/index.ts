export { createSwarmConnection, type SwarmConnectionOptions } from "./connection.js";
export { describeSwarmEndpoint, type SwarmAuthMethod, type SwarmConnectionConfig } from "./endpoint.js";
export { MeridianServiceSpec } from "./service-spec.js";
