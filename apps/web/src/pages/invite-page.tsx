import { useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "@tanstack/react-router";
import { useState } from "react";
import { api } from "../api/client";
import { isUnauthenticated } from "../api/errors";
import { useApiQuery } from "../api/hooks";
import { startSession, useMe } from "../app/session";
import { Button } from "../ui/button";
import { Alert, ErrorState, Spinner } from "../ui/feedback";
import { FormError, TextField, useFormSubmit } from "../ui/form";

/** The page an invitation link opens: what it offers, then accept (signing up first if needed). */
export function InvitePage() {
  const { token } = useParams({ from: "/invite/$token" });
  const preview = useApiQuery("previewInvitation", { params: { token } });
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const loggedIn = !!me.data;
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const form = useFormSubmit(
    () => api.call("acceptInvitation", { params: { token }, body: loggedIn ? {} : { signup: { username, password, displayName: displayName || undefined } } }),
    async (res) => {
      const home = `/orgs/${res.organizationSlug}/projects`;
      try {
        // Accepting with a signup creates the account but no session: log in with what was just typed.
        const csrf = loggedIn ? (me.data?.csrfToken ?? "") : (await api.call("login", { body: { username, password } })).csrfToken;
        await startSession(queryClient, csrf);
      } catch {
        await navigate({ to: "/login", search: { next: home } });
        return;
      }
      await navigate({ to: home as never });
    },
  );

  let body: React.ReactNode;
  if (preview.isLoading || me.isLoading) body = <Spinner />;
  else if (preview.error) body = <ErrorState error={preview.error} />;
  else if (preview.data) {
    const p = preview.data;
    const pending = p.status === "pending";
    body = (
      <>
        <h1 id="invite-h">Join {p.organizationName}</h1>
        <p>
          <strong>{p.invitedBy}</strong> invited <strong>{p.email}</strong> to <strong>{p.organizationName}</strong> as <strong>{p.roleName}</strong>.
        </p>
        {!pending ? <Alert kind="warning">This invitation is {p.status}. Ask for a new one.</Alert> : null}
        <FormError error={form.error} fields={form.fields} />
        {pending && loggedIn ? (
          <>
            <p className="muted">
              You are logged in as <strong>@{me.data?.user.username}</strong>.
            </p>
            <Button type="submit" variant="primary" busy={form.busy} className="btn-block">
              Accept invitation
            </Button>
          </>
        ) : null}
        {pending && !loggedIn && (!me.error || isUnauthenticated(me.error)) ? (
          <>
            <p className="muted">Create your account to accept.</p>
            <TextField label="Username" name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.currentTarget.value)} error={form.fields["signup.username"]} required />
            <TextField label="Display name" name="displayName" autoComplete="name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} error={form.fields["signup.displayName"]} />
            <TextField label="Password" name="password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={form.fields["signup.password"]} hint="At least 12 characters." required />
            <Button type="submit" variant="primary" busy={form.busy} className="btn-block">
              Sign up and join
            </Button>
            <p className="muted small center">
              Already have an account?{" "}
              <Link to="/login" search={{ next: `/invite/${token}` }}>
                Log in first
              </Link>
            </p>
          </>
        ) : null}
      </>
    );
  }
  return (
    <div className="auth-page">
      <form className="auth-card form" onSubmit={form.onSubmit} aria-labelledby="invite-h">
        <div className="brand brand-lg">
          <img src="/favicon.svg" alt="" width={32} height={32} />
          <span>Meridian</span>
        </div>
        {body}
      </form>
    </div>
  );
}
