import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError } from "@meridian/core";
import type { FastifyInstance, FastifyRequest } from "fastify";

/** A request body streamed to a temp file (bill files are far beyond the 1 MiB JSON limit). */
export interface Upload {
  /** The body, as sent. */
  path: string;
  /** Private temp directory holding it; removed when the response is sent. */
  dir: string;
  bytes: number;
}

export const uploadContentTypes = ["text/csv", "application/octet-stream"];
const uploads = new WeakMap<object, Upload>();

/** The file a request's body was streamed to, if it was an upload. */
export function uploadOf(req: { raw: object }): Upload | undefined {
  return uploads.get(req.raw);
}

/**
 * Streams text/csv and application/octet-stream bodies to a temp file, up to `limitBytes`, for the routes
 * whose path matches `accept` (elsewhere those types are refused before anything is written).
 */
export function registerUploadParser(app: FastifyInstance, opts: { limitBytes: number; accept: RegExp; admit(req: FastifyRequest): Promise<boolean> }): void {
  app.addContentTypeParser(uploadContentTypes, async (req: FastifyRequest, payload: NodeJS.ReadableStream) => {
    if (!opts.accept.test(req.routeOptions.url ?? "")) throw new AppError("invalid_input", "send JSON (content-type: application/json)");
    if (!(await opts.admit(req))) throw new AppError("unauthenticated", "log in or send an API token");
    const dir = await mkdtemp(join(tmpdir(), "meridian-upload-"));
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        if (bytes > opts.limitBytes) cb(new AppError("invalid_input", `the file is too large (${Math.floor(opts.limitBytes / 2 ** 20)} MiB at most)`));
        else cb(null, chunk);
      },
    });
    const path = join(dir, "body");
    try {
      await pipeline(payload, counter, createWriteStream(path, { mode: 0o600 }));
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      if (e instanceof AppError) throw e;
      throw new AppError("invalid_input", "the upload was interrupted", { cause: e });
    }
    const upload = { path, dir, bytes };
    uploads.set(req.raw, upload);
    return upload;
  });
  app.addHook("onResponse", async (req) => {
    const upload = uploads.get(req.raw);
    if (upload) await rm(upload.dir, { recursive: true, force: true }).catch(() => undefined);
  });
}
