import { AppError } from "@meridian/core";

/** PostgreSQL unique violations (23505) turned into AppErrors. */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "23505";
}

/** The one conflict error for a slug already used in its namespace, pointing at the field. */
export function slugTaken(slug: string, where: string): AppError {
  return new AppError("conflict", `the slug ${slug} is taken in ${where}`, { details: { issues: [{ path: "body.slug", message: "taken" }] } });
}

/** Runs an insert, turning a unique violation into `conflict()`. */
export async function insertUnique<T>(insert: Promise<T>, conflict: () => AppError): Promise<T> {
  try {
    return await insert;
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict();
    throw e;
  }
}
