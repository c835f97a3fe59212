/**
 * The test app: busybox httpd answering with its version. GET / -> "meridian testapp <version> host=<hostname>",
 * GET /version.json -> JSON, GET /healthz -> 200 "ok" unless failing. Failing health: start with FAIL_HEALTH=1,
 * or GET /cgi-bin/fail-health at runtime (GET /cgi-bin/recover-health undoes it). The version comes from
 * APP_VERSION if set, else from the tag it was built as (/app/version).
 */
export const testappStartScript = `#!/bin/sh
set -e
VERSION="\${APP_VERSION:-$(cat /app/version)}"
HOST="$(hostname)"
mkdir -p /tmp/www/cgi-bin
cp /app/cgi-bin/* /tmp/www/cgi-bin/
printf 'meridian testapp %s host=%s\\n' "$VERSION" "$HOST" > /tmp/www/index.html
printf '{"app":"meridian-testapp","version":"%s","host":"%s"}\\n' "$VERSION" "$HOST" > /tmp/www/version.json
if [ "\${FAIL_HEALTH:-0}" != "1" ]; then echo ok > /tmp/www/healthz; fi
echo "meridian testapp $VERSION listening on :\${PORT:-8080}"
exec httpd -f -v -p "\${PORT:-8080}" -h /tmp/www
`;

export const failHealthCgi = `#!/bin/sh
rm -f /tmp/www/healthz
printf 'Content-Type: text/plain\\r\\n\\r\\nhealth check now failing\\n'
`;

export const recoverHealthCgi = `#!/bin/sh
echo ok > /tmp/www/healthz
printf 'Content-Type: text/plain\\r\\n\\r\\nhealth check recovered\\n'
`;

export function createTestappDockerfile(baseImage: string, version: string): string {
  return `FROM ${baseImage}
COPY app /app
ENV PORT=8080
EXPOSE 8080
LABEL org.opencontainers.image.title="meridian-testapp" org.opencontainers.image.version="${version}"
HEALTHCHECK --interval=2s --timeout=2s --start-period=1s --retries=2 CMD wget -q -O /dev/null "http://127.0.0.1:\${PORT}/healthz" || exit 1
CMD ["/app/start.sh"]
`;
}
