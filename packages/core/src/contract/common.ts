import { z } from "zod";
import { errorCodes } from "../errors.js";

export const Id = z.uuid().describe("A UUID");
export const Timestamp = z.iso.datetime({ offset: true }).describe("RFC 3339 time");
export const Slug = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "lower-case letters, digits and dashes; starts and ends with a letter or digit");
export const Name = z.string().trim().min(1).max(100);
export const Description = z.string().max(1000);
export const Email = z.email().max(254);
export const Username = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/, "letters, digits, dot, dash and underscore");
/** NIST 800-63B / ASVS V6.2: at least 12 characters here, long passphrases allowed, no composition rules. */
export const Password = z.string().min(12, "at least 12 characters").max(256);

/** Path segment that may be an organization's id or its slug. */
export const OrgRef = z.string().min(2).max(64).regex(/^[a-z0-9-]+$/, "an organization id or slug");

export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(errorCodes),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Query parameters every list endpoint accepts. `sort` is a field name, `-` prefixed for descending. */
export function listQuery<const S extends readonly [string, ...string[]]>(sortFields: S) {
  const sorts = sortFields.flatMap((f) => [f, `-${f}`]) as [string, ...string[]];
  return z.object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(512).optional(),
    sort: z.enum(sorts).optional(),
    q: z.string().max(200).optional().describe("Case-insensitive text filter"),
  });
}

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const Empty = z.object({});
export const OkResult = z.object({ ok: z.literal(true) });
