const started = Date.now();

/** Progress output on stderr, so stdout stays clean for `env` output. */
export function logStep(message: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(`[testbed ${seconds}s] ${message}\n`);
}

export class TestbedError extends Error {
  override name = "TestbedError";
}
