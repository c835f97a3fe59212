import { describe, expect, it } from "vitest";
import { getFailureReason, toHttpError, toTransportError } from "./errors.js";

const endpoint = "tcp://10.0.0.5:2376";

function errno(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe("error mapping", () => {
  it.each([
    [400, '{"message":"invalid mount config"}', "invalid_input", "invalid mount config"],
    [401, '{"message":"no"}', "forbidden", "the Docker engine refused: no"],
    [403, '{"message":"authorization denied by plugin"}', "forbidden", "the Docker engine refused: authorization denied by plugin"],
    [404, '{"message":"service web not found"}', "not_found", "service web not found"],
    [409, '{"message":"name conflicts with an existing object"}', "conflict", "name conflicts with an existing object"],
    [500, '{"message":"rpc error: code = Unknown desc = update out of sequence"}', "conflict", "rpc error: code = Unknown desc = update out of sequence"],
    [503, '{"message":"This node is not a swarm manager."}', "unavailable", `the Docker engine at ${endpoint} is unavailable: This node is not a swarm manager.`],
    [500, "plain text failure", "internal", `the Docker engine at ${endpoint} failed: plain text failure`],
  ])("HTTP %i %s -> %s", (status, body, code, message) => {
    expect(toHttpError(status, body, endpoint)).toMatchObject({ code, message });
  });

  it.each([
    [errno("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.5:2376"), "unavailable", "Unreachable", `cannot reach the Docker engine at ${endpoint}: ECONNREFUSED connect ECONNREFUSED 10.0.0.5:2376`],
    [errno("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"), "forbidden", "ClientCertificateRejected", /^the Docker engine refused: /],
    [errno("ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE"), "forbidden", "ClientCertificateRejected", /rejected the TLS client certificate/],
    [errno("UNABLE_TO_VERIFY_LEAF_SIGNATURE"), "unavailable", "TLSError", /^TLS handshake with the Docker engine at /],
    [errno("ERR_TLS_CERT_ALTNAME_INVALID"), "unavailable", "TLSError", /TLS handshake/],
    [errno("ERR_OSSL_UNSUPPORTED"), "invalid_input", "TLSError", /TLS material/],
    [errno("SSH_HOST_KEY", "ssh: Host key verification failed."), "unavailable", "HostKeyVerificationFailed", /SSH host key is not trusted/],
    [errno("SSH_AUTH", "ssh: Permission denied (publickey)."), "forbidden", "SSHAuthFailed", /^the Docker engine refused: /],
  ])("%s -> %s (%s)", (error, code, reason, message) => {
    const mapped = toTransportError(error, endpoint);
    expect(mapped.code).toBe(code);
    expect(getFailureReason(mapped)).toBe(reason);
    expect(mapped.message).toMatch(message);
    expect(mapped.message).toContain(endpoint);
  });
});
