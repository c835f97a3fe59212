import { useState } from "react";
import { useApiMutation } from "../api/hooks";
import { useMe } from "../app/session";
import { PageHeader } from "../resources/resource-list";
import { Button } from "../ui/button";
import { Alert, Spinner } from "../ui/feedback";
import { FormError, TextField, useFormSubmit } from "../ui/form";
import { useToast } from "../ui/toast";

export function ProfilePage() {
  const me = useMe();
  if (!me.data) return <Spinner />;
  return (
    <section className="narrow">
      <PageHeader title="Profile" description={`Signed in as @${me.data.user.username}`} />
      <ProfileForm displayName={me.data.user.displayName} email={me.data.user.email} />
      <PasswordForm />
    </section>
  );
}

function ProfileForm(props: { displayName: string; email: string | null }) {
  const notify = useToast();
  const [displayName, setDisplayName] = useState(props.displayName);
  const [email, setEmail] = useState(props.email ?? "");
  const update = useApiMutation("updateMe");
  const form = useFormSubmit(
    () => update.mutateAsync({ body: { displayName, email: email.trim() ? email.trim() : null } }),
    () => notify("success", "Profile saved"),
  );
  return (
    <form className="card form" onSubmit={form.onSubmit} aria-labelledby="profile-h">
      <h2 id="profile-h">Your details</h2>
      <FormError error={form.error} fields={form.fields} />
      <TextField label="Display name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} error={form.fields.displayName} required />
      <TextField label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={form.fields.email} hint="Optional; used for invitations and notifications." />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={form.busy}>
          Save profile
        </Button>
      </div>
    </form>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [done, setDone] = useState(false);
  const change = useApiMutation("changePassword");
  const mismatch = confirm.length > 0 && confirm !== next;
  const form = useFormSubmit(
    async () => {
      if (next !== confirm) throw new Error("The new passwords do not match.");
      return change.mutateAsync({ body: { currentPassword: current, newPassword: next } });
    },
    () => {
      setDone(true);
      setCurrent("");
      setNext("");
      setConfirm("");
    },
  );
  return (
    <form className="card form" onSubmit={form.onSubmit} aria-labelledby="password-h">
      <h2 id="password-h">Change password</h2>
      {done ? <Alert kind="success">Password changed. Your other sessions were logged out.</Alert> : null}
      <FormError error={form.error} fields={form.fields} />
      <TextField label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.currentTarget.value)} error={form.fields.currentPassword} required />
      <TextField label="New password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.currentTarget.value)} error={form.fields.newPassword} hint="At least 12 characters; a passphrase is best." required />
      <TextField label="Repeat new password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} error={mismatch ? "Does not match the new password" : undefined} required />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={form.busy} disabled={mismatch}>
          Change password
        </Button>
      </div>
    </form>
  );
}
