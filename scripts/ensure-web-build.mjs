// `npm start` serves the web UI from apps/web/dist: build it once when it is missing.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync(new URL("../apps/web/dist/index.html", import.meta.url))) {
  console.log("building the web UI (first start only)...");
  const r = spawnSync("npm", ["run", "build", "-w", "@meridian/web"], { stdio: "inherit" });
  if (r.status !== 0) {
    console.error("the web UI did not build; the API still works at /api/docs");
  }
}
