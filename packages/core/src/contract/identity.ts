import { z } from "zod";
import { Email, Id, Name, Password, Timestamp, Username } from "./common.js";

export const User = z.object({
  id: Id,
  username: Username,
  displayName: z.string(),
  email: z.string().nullable(),
  createdAt: Timestamp,
});
export type User = z.infer<typeof User>;

export const LoginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
export const LoginResult = z.object({ user: User, csrfToken: z.string(), expiresAt: Timestamp });

export const OrgSummary = z.object({ id: Id, slug: z.string(), name: z.string(), roles: z.array(z.string()) });

export const Me = z.object({
  user: User,
  organizations: z.array(OrgSummary),
  csrfToken: z.string().nullable().describe("Send as x-csrf-token on unsafe requests made with the session cookie"),
  authMethod: z.enum(["session", "token"]),
  tokenOrganizationId: Id.nullable(),
});
export type Me = z.infer<typeof Me>;

export const UpdateMeBody = z.object({ displayName: Name.optional(), email: Email.nullable().optional() }).strict();
export const ChangePasswordBody = z.object({ currentPassword: z.string().min(1).max(256), newPassword: Password }).strict();

export const Session = z.object({
  id: Id,
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  expiresAt: Timestamp,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
});
export type Session = z.infer<typeof Session>;

export const SessionParams = z.object({ sessionId: Id });
