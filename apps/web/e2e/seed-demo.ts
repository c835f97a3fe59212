/**
 * Fills a running server with demo data for screenshots and manual testing.
 * Usage: node --import tsx apps/web/e2e/seed-demo.ts <baseUrl> <adminPassword>
 */
import { loginAs } from "@meridian/testing";

const [baseUrl = "http://127.0.0.1:8080", password = "admin-password-123"] = process.argv.slice(2);
const { client } = await loginAs(baseUrl, "admin", password);
const me = await client.call("getMe");
const orgId = me.organizations[0]?.slug ?? "";
const teams = [];
for (const [slug, name, description] of [
  ["platform", "Platform", "Clusters, CI and the paved road"],
  ["payments", "Payments", "Checkout, billing and ledgers"],
  ["growth", "Growth", "Web, onboarding and experiments"],
] as const) {
  teams.push(await client.call("createTeam", { params: { orgId }, body: { slug, name, description } }));
}
const projects = [
  ["checkout-api", "Checkout API", "Card payments and refunds", 1],
  ["ledger", "Ledger", "Double-entry bookkeeping service", 1],
  ["web-storefront", "Web storefront", "The public shop front", 2],
  ["platform-ingress", "Platform ingress", "Shared ingress controllers and certificates", 0],
  ["search", "Search", "Product search and ranking", 2],
  ["notifications", "Notifications", "Email, SMS and push", null],
] as const;
for (const [slug, name, description, team] of projects) {
  await client.call("createProject", { params: { orgId }, body: { slug, name, description, teamId: team === null ? null : (teams[team]?.id ?? null) } });
}
const roles = await client.call("listRoles", { params: { orgId }, query: { limit: 100 } });
const dev = roles.items.find((r) => r.slug === "developer");
const viewer = roles.items.find((r) => r.slug === "viewer");
for (const email of ["mulder@example.com", "scully@example.com", "skinner@example.com"]) {
  await client.call("createInvitation", { params: { orgId }, body: { email, roleId: (email.startsWith("s") ? viewer : dev)?.id ?? "", teamIds: [] } });
}
await client.call("createRole", {
  params: { orgId },
  body: { slug: "release-manager", name: "Release manager", description: "Manages environments and reads the audit log", permissions: ["project:read", "environment:read", "environment:update", "audit:read"] },
});
await client.call("createToken", { params: { orgId }, body: { name: "ci-deploy", roleId: dev?.id ?? "", expiresInDays: 90 } });
await client.call("createToken", { params: { orgId }, body: { name: "grafana-readonly", roleId: viewer?.id ?? "", expiresInDays: 30 } });
console.log(`seeded ${orgId}`);
