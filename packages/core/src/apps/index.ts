export * from "./app-spec.js";
export * from "./driver.js";
export * from "./rollout.js";
export * from "./templates.js";
