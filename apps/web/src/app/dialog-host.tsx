import { lazy, Suspense } from "react";
import { CommandPalette, ShortcutsHelp } from "../actions/command-palette";
import type { OverlayState } from "../actions/action-context";
import type { GlobalAction } from "../actions/registry";
import { AuditVerifyDialog } from "../dialogs/audit-verify-dialog";
import { MemberAccessDialog } from "../dialogs/member-access-dialog";
import { CreateInvitationDialog, MemberRolesDialog } from "../dialogs/member-dialogs";
import { AddEnvironmentDialog, CreateOrgDialog, CreateProjectDialog, EditProjectDialog, RenameEnvironmentDialog } from "../dialogs/project-dialogs";
import { CreateBindingDialog, RoleEditorDialog } from "../dialogs/role-dialogs";
import { CreateTeamDialog, EditTeamDialog, TeamMembersDialog } from "../dialogs/team-dialogs";
import { CreateTokenDialog } from "../dialogs/token-dialogs";
import { Dialog } from "../ui/dialog";

// Cluster dialogs load with their first use, like the cluster pages.
const ConnectClusterDialog = lazy(() => import("../dialogs/connect-cluster-dialog").then((m) => ({ default: m.ConnectClusterDialog })));
const EditClusterDialog = lazy(() => import("../dialogs/cluster-dialogs").then((m) => ({ default: m.EditClusterDialog })));
const AddTargetDialog = lazy(() => import("../dialogs/cluster-dialogs").then((m) => ({ default: m.AddTargetDialog })));
const ScaleDialog = lazy(() => import("../dialogs/cluster-dialogs").then((m) => ({ default: m.ScaleDialog })));
// App dialogs (wizard, deploy with diff and progress, secret values) load with their first use too.
const CreateAppDialog = lazy(() => import("../dialogs/create-app-dialog").then((m) => ({ default: m.CreateAppDialog })));
const DeployDialog = lazy(() => import("../dialogs/deploy-dialog").then((m) => ({ default: m.DeployDialog })));
const UploadCertificateDialog = lazy(() => import("../dialogs/certificate-dialog").then((m) => ({ default: m.UploadCertificateDialog })));
const WebhookDialog = lazy(() => import("../dialogs/webhook-dialog").then((m) => ({ default: m.WebhookDialog })));
const SecretDialog = lazy(() => import("../dialogs/secret-dialog").then((m) => ({ default: m.SecretDialog })));
const PolicyDialog = lazy(() => import("../dialogs/policy-dialog").then((m) => ({ default: m.PolicyDialog })));

export function DialogHost({ dialog, palette, actions, close, closePalette }: OverlayState & { close: () => void; closePalette: () => void; actions: GlobalAction[] }) {
  return (
    <>
      {dialog ? (
        <Suspense fallback={null}>
          <DialogFor dialog={dialog} close={close} actions={actions} />
        </Suspense>
      ) : null}
      {palette ? <CommandPalette actions={actions} onClose={closePalette} /> : null}
    </>
  );
}

function DialogFor({ dialog: d, close, actions }: { dialog: NonNullable<OverlayState["dialog"]>; close: () => void; actions: GlobalAction[] }) {
  switch (d.kind) {
    case "create-org":
      return <CreateOrgDialog onClose={close} />;
    case "create-project":
      return <CreateProjectDialog onClose={close} />;
    case "edit-project":
      return <EditProjectDialog project={d.project} onClose={close} />;
    case "add-environment":
      return <AddEnvironmentDialog project={d.project} nextPosition={d.nextPosition} onClose={close} />;
    case "rename-environment":
      return <RenameEnvironmentDialog environment={d.environment} onClose={close} />;
    case "create-team":
      return <CreateTeamDialog onClose={close} />;
    case "edit-team":
      return <EditTeamDialog team={d.team} onClose={close} />;
    case "team-members":
      return <TeamMembersDialog team={d.team} onClose={close} />;
    case "member-access":
      return <MemberAccessDialog member={d.member} onClose={close} />;
    case "member-roles":
      return <MemberRolesDialog member={d.member} onClose={close} />;
    case "create-invitation":
      return <CreateInvitationDialog onClose={close} />;
    case "role-editor":
      return <RoleEditorDialog role={d.role} onClose={close} />;
    case "create-binding":
      return <CreateBindingDialog initialScope={d.scope} initialSubject={d.subject} onClose={close} />;
    case "create-token":
      return <CreateTokenDialog onClose={close} />;
    case "audit-verify":
      return <AuditVerifyDialog result={d.result} onClose={close} />;
    case "connect-cluster":
      return <ConnectClusterDialog onClose={close} />;
    case "edit-cluster":
      return <EditClusterDialog cluster={d.cluster} onClose={close} />;
    case "add-cluster-target":
      return <AddTargetDialog cluster={d.cluster} onClose={close} />;
    case "scale-resource":
      return <ScaleDialog item={d.item} onClose={close} />;
    case "create-policy":
      return <PolicyDialog clusterId={d.clusterId} namespace={d.namespace} onClose={close} />;
    case "create-app":
      return <CreateAppDialog projectId={d.projectId} onClose={close} />;
    case "deploy-app":
      return <DeployDialog app={d.app} environmentId={d.environmentId} onClose={close} />;
    case "upload-certificate":
      return <UploadCertificateDialog app={d.app} domain={d.domain} onClose={close} />;
    case "app-webhook":
      return <WebhookDialog app={d.app} environments={d.environments} rotate={d.rotate} onClose={close} />;
    case "set-secret":
      return <SecretDialog projectId={d.projectId} name={d.name} scope={d.scope} environmentId={d.environmentId} onClose={close} />;
    case "shortcuts-help":
      return (
        <Dialog title="Keyboard shortcuts" onClose={close} wide>
          <ShortcutsHelp actions={actions} />
        </Dialog>
      );
    default: {
      const never: never = d;
      return never;
    }
  }
}
