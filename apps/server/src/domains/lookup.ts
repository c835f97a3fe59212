import { Resolver } from "node:dns/promises";
import { request } from "node:http";

/**
 * Name lookups and HTTP fetches for ownership checks, through a configurable DNS server (tests point it at Pebble's
 * challenge test server; production uses the system resolver).
 */
export interface Lookup {
  txt(name: string): Promise<string[]>;
  /** GET http://host:port/path, connecting to the host's A record; the body, or throws. */
  httpGet(host: string, port: number, path: string): Promise<{ status: number; body: string }>;
}

export function createLookup(dnsServer: string | null): Lookup {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (dnsServer) resolver.setServers([dnsServer]);
  return {
    async txt(name) {
      try {
        return (await resolver.resolveTxt(name)).map((parts) => parts.join(""));
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === "ENOTFOUND" || code === "ENODATA") return [];
        throw err;
      }
    },
    async httpGet(host, port, path) {
      const [address] = await resolver.resolve4(host).catch(() => [] as string[]);
      if (!address) throw new Error(`${host} has no A record`);
      return new Promise((resolve, reject) => {
        const req = request({ host: address, port, path, method: "GET", headers: { host }, timeout: 5000 }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => {
            if (body.length < 4096) body += c;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error(`no answer from ${address}:${port} in 5 s`)));
        req.on("error", reject);
        req.end();
      });
    },
  };
}
