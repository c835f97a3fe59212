import type { App, AuditVerifyResult, Cluster, Domain, Environment, InventoryItemView, Member, Project, Role, Team } from "@meridian/core";

/** Every dialog an action can open; the dialog host renders the matching component. */
export type DialogRequest =
  | { kind: "create-org" }
  | { kind: "create-project" }
  | { kind: "edit-project"; project: Project }
  | { kind: "add-environment"; project: Project; nextPosition: number }
  | { kind: "rename-environment"; environment: Environment }
  | { kind: "create-team" }
  | { kind: "team-members"; team: Team }
  | { kind: "edit-team"; team: Team }
  | { kind: "member-roles"; member: Member }
  | { kind: "create-invitation" }
  | { kind: "role-editor"; role: Role | null }
  | {
      kind: "create-binding";
      scope?: { kind: "project" | "environment"; projectId: string; environmentId?: string };
      subject?: { kind: "user" | "team"; id: string };
    }
  | { kind: "member-access"; member: Member }
  | { kind: "create-token" }
  | { kind: "audit-verify"; result: Promise<AuditVerifyResult> }
  | { kind: "connect-cluster" }
  | { kind: "edit-cluster"; cluster: Cluster }
  | { kind: "add-cluster-target"; cluster: Cluster }
  | { kind: "scale-resource"; item: InventoryItemView }
  | { kind: "create-policy"; clusterId?: string; namespace?: string }
  | { kind: "create-app"; projectId?: string }
  | { kind: "deploy-app"; app: App; environmentId: string }
  | { kind: "upload-certificate"; app: App; domain: Domain }
  | { kind: "app-webhook"; app: App; environments: string[]; rotate: boolean }
  | { kind: "set-secret"; projectId: string; name?: string; scope?: "organization" | "project" | "environment"; environmentId?: string }
  | { kind: "shortcuts-help" };
