import { useQueryClient } from "@tanstack/react-query";
import { useRouter, useSearch } from "@tanstack/react-router";
import { useState } from "react";
import { api } from "../api/client";
import { startSession } from "../app/session";
import { Button } from "../ui/button";
import { FormError, TextField, useFormSubmit } from "../ui/form";

export function LoginPage() {
  const search = useSearch({ from: "/login" });
  const router = useRouter();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const form = useFormSubmit(
    () => api.call("login", { body: { username, password } }),
    async (res) => {
      await startSession(queryClient, res.csrfToken);
      const next = search.next && search.next.startsWith("/") && !search.next.startsWith("//") ? search.next : "/";
      // `next` is a full local href (path + query), so hand it to history as is.
      router.history.push(next);
    },
  );
  return (
    <div className="auth-page">
      <form className="auth-card form" onSubmit={form.onSubmit} aria-labelledby="login-h">
        <div className="brand brand-lg">
          <img src="/favicon.svg" alt="" width={32} height={32} />
          <span>Meridian</span>
        </div>
        <h1 id="login-h">Log in</h1>
        <FormError error={form.error} fields={form.fields} />
        <TextField label="Username" name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.currentTarget.value)} error={form.fields.username} required autoFocus />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={form.fields.password} required />
        <Button type="submit" variant="primary" busy={form.busy} className="btn-block">
          Log in
        </Button>
        <p className="muted small center">Got an invitation link? Open it to join an organization.</p>
      </form>
    </div>
  );
}
