export { type Config, loadConfig } from "./config.js";
export { type MeridianHandle, startMeridian, version } from "./main.js";
export { runUp, type UpOptions } from "./run-up.js";
