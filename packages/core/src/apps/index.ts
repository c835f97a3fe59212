export * from "./app-spec.js";
export * from "./driver.js";
