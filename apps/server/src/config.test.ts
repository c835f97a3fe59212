import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, redactConfig } from "./config.js";

const noFile = () => {
  throw new Error("no such file");
};

describe("loadConfig", () => {
  it("applies defaults", () => {
    const c = loadConfig({}, {}, noFile);
    expect(c.port).toBe(8080);
    expect(c.host).toBe("127.0.0.1");
    expect(c.dataDir.endsWith(".meridian")).toBe(true);
  });
  it("flag beats env beats file", () => {
    const env = { MERIDIAN_PORT: "9000", MERIDIAN_BOOTSTRAP_PASSWORD_FILE: "/x" };
    const c = loadConfig({ port: 9100 }, env, () => "from-file-secret-123\n");
    expect(c.port).toBe(9100);
    expect(c.bootstrapPassword).toBe("from-file-secret-123");
    expect(loadConfig({}, env, () => "from-file-secret-123").port).toBe(9000);
    expect(loadConfig({}, { ...env, MERIDIAN_BOOTSTRAP_PASSWORD: "env-wins-password" }, () => "file-password-123").bootstrapPassword).toBe(
      "env-wins-password",
    );
  });
  it("reports every problem at once", () => {
    try {
      loadConfig({}, { MERIDIAN_PORT: "http", MERIDIAN_LOG_LEVEL: "loud", MERIDIAN_BOOTSTRAP_PASSWORD: "short" }, noFile);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join("\n");
      expect(problems).toContain("MERIDIAN_PORT");
      expect(problems).toContain("MERIDIAN_LOG_LEVEL");
      expect(problems).toContain("MERIDIAN_BOOTSTRAP_PASSWORD");
    }
  });
  it("reports unreadable secret files", () => {
    expect(() => loadConfig({}, { MERIDIAN_DATABASE_URL_FILE: "/nope" }, noFile)).toThrow(/MERIDIAN_DATABASE_URL_FILE/);
  });
  it("redacts secrets", () => {
    const c = loadConfig({}, { MERIDIAN_DATABASE_URL: "postgres://u:secret@h/db" }, noFile);
    expect(JSON.stringify(redactConfig(c))).not.toContain("secret");
  });
});
