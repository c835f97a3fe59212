import { main } from "./program.js";

// `meridian audit export | head` closes stdout early; that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

// An action may set its own exit code (`up` and `keys rotate` pass the server's on); main() reports usage and API errors.
const code = await main(process.argv);
process.exitCode = code || process.exitCode || 0;
