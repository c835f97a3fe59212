import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type CliContext,
  createEmptyConfig,
  deriveContextName,
  getConfigPath,
  getCurrentContext,
  loadConfig,
  readCliEnv,
  removeContext,
  saveConfig,
  upsertContext,
} from "../src/config.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "meridian-cli-config-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const ctx = (name: string, org: string | null = "acme"): CliContext => ({ name, server: `http://${name}`, token: `tok-${name}`, org });

describe("getConfigPath", () => {
  it("prefers MERIDIAN_CONFIG, then XDG_CONFIG_HOME, then ~/.config", () => {
    expect(getConfigPath({ MERIDIAN_CONFIG: "/x/c.json", XDG_CONFIG_HOME: "/xdg", HOME: "/home/u" })).toBe("/x/c.json");
    expect(getConfigPath({ XDG_CONFIG_HOME: "/xdg", HOME: "/home/u" })).toBe("/xdg/meridian/config.json");
    expect(getConfigPath({ HOME: "/home/u" })).toBe("/home/u/.config/meridian/config.json");
  });
});

describe("readCliEnv", () => {
  it("reads server, token, debug and NO_COLOR, ignoring blank values", () => {
    const env = readCliEnv({ MERIDIAN_CONFIG: "/c.json", MERIDIAN_SERVER: " http://s ", MERIDIAN_TOKEN: "", MERIDIAN_DEBUG: "1", NO_COLOR: "1" });
    expect(env).toMatchObject({ configPath: "/c.json", server: "http://s", token: undefined, debug: true, noColor: true });
    expect(readCliEnv({ MERIDIAN_CONFIG: "/c.json" })).toMatchObject({ debug: false, noColor: false });
  });
});

describe("loadConfig / saveConfig", () => {
  it("returns an empty config when the file does not exist", () => {
    expect(loadConfig(join(dir, "missing.json"))).toEqual(createEmptyConfig());
  });

  it("round-trips contexts, creating the directory 0700 and the file 0600", () => {
    const path = join(dir, "nested", "meridian", "config.json");
    const config = upsertContext(upsertContext(createEmptyConfig(), ctx("a")), { ...ctx("b", null), tokenId: "t1", username: "ann" });
    saveConfig(path, config);
    expect(loadConfig(path)).toEqual(config);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "nested", "meridian")).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(path, "utf8")).current).toBe("b");
  });

  it("rejects malformed files with a message naming the file", () => {
    const path = join(dir, "config.json");
    writeFileSync(path, "{not json");
    expect(() => loadConfig(path)).toThrow(`${path} is not valid JSON`);
    writeFileSync(path, JSON.stringify({ contexts: [{ name: "x" }] }));
    expect(() => loadConfig(path)).toThrow("contexts[0] needs string name, server and token");
  });
});

describe("context operations", () => {
  it("upsert replaces in place and makes current unless told not to", () => {
    let c = upsertContext(upsertContext(createEmptyConfig(), ctx("a")), ctx("b"));
    c = upsertContext(c, { ...ctx("a"), org: "other" }, false);
    expect(c.current).toBe("b");
    expect(c.contexts.map((x) => [x.name, x.org])).toEqual([
      ["a", "other"],
      ["b", "acme"],
    ]);
  });

  it("remove picks another current context when the current one goes", () => {
    const c = upsertContext(upsertContext(createEmptyConfig(), ctx("a")), ctx("b"));
    expect(removeContext(c, "b")).toEqual({ current: "a", contexts: [ctx("a")] });
    expect(removeContext(removeContext(c, "b"), "a")).toEqual({ current: null, contexts: [] });
  });

  it("getCurrentContext throws for an unknown explicit name but not for a missing current", () => {
    const c = upsertContext(createEmptyConfig(), ctx("a"));
    expect(getCurrentContext(c)?.name).toBe("a");
    expect(getCurrentContext(createEmptyConfig())).toBeUndefined();
    expect(() => getCurrentContext(c, "nope")).toThrow('no context named "nope"');
  });

  it("derives a context name from the server's host and port", () => {
    expect(deriveContextName("http://127.0.0.1:8081")).toBe("127.0.0.1:8081");
    expect(deriveContextName("https://meridian.example.com/")).toBe("meridian.example.com");
  });
});

describe("checkConfigPermissions", () => {
  it("warns when others can read the file, like ssh does for keys", async () => {
    const { checkConfigPermissions } = await import("../src/config.js");
    const path = join(dir, "config.json");
    expect(checkConfigPermissions(path)).toBeUndefined();
    saveConfig(path, createEmptyConfig());
    expect(checkConfigPermissions(path)).toBeUndefined();
    chmodSync(path, 0o644);
    expect(checkConfigPermissions(path)).toBe(`warning: ${path} is accessible by other users (mode 644); run: chmod 600 ${path}`);
  });
});
