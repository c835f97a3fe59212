import { AppError, type CancelSignal, type ConditionStatus, type ProbeResult } from "@meridian/core";
import type { DockerClient } from "./docker-client.js";
import { getFailureReason } from "./errors.js";

type Condition = Omit<ConditionStatus, "lastTransitionTime">;

const probeTimeoutMs = 2_500;
const authFailures = new Set(["ClientCertificateRejected", "SSHAuthFailed", "Refused"]);

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function unknown(type: Condition["type"], message: string): Condition {
  return { type, status: "Unknown", reason: "NotChecked", message };
}

/** Reachable (GET /_ping), Authenticated (the API answers), Ready (this engine is an active Swarm manager). */
export async function probeSwarm(client: DockerClient, signal?: CancelSignal): Promise<ProbeResult> {
  const opts = { timeoutMs: probeTimeoutMs, ...(signal && { signal }) };
  try {
    await client.requestText({ path: "/_ping", versioned: false, ...opts });
  } catch (error) {
    const reason = getFailureReason(error) ?? "Unreachable";
    if (authFailures.has(reason)) {
      return {
        version: null,
        conditions: [
          { type: "Reachable", status: "True", reason: "Connected", message: `${client.endpoint} answered` },
          { type: "Authenticated", status: "False", reason, message: describeError(error) },
          unknown("Ready", "not checked: not authenticated"),
        ],
      };
    }
    return {
      version: null,
      conditions: [
        { type: "Reachable", status: "False", reason, message: describeError(error) },
        unknown("Authenticated", "not checked: unreachable"),
        unknown("Ready", "not checked: unreachable"),
      ],
    };
  }
  const reachable: Condition = { type: "Reachable", status: "True", reason: "Ping", message: `${client.endpoint} answered /_ping` };

  let version: string | null = null;
  try {
    const answer = await client.requestJson<{ Version?: string; ApiVersion?: string }>({ path: "/version", versioned: false, ...opts });
    version = answer.Version ?? null;
  } catch (error) {
    const refused = error instanceof AppError && error.code === "forbidden";
    return {
      version: null,
      conditions: [
        reachable,
        { type: "Authenticated", status: refused ? "False" : "Unknown", reason: getFailureReason(error) ?? "Error", message: describeError(error) },
        unknown("Ready", "not checked: the version query failed"),
      ],
    };
  }
  const authenticated: Condition = { type: "Authenticated", status: "True", reason: "ApiAnswered", message: `Docker Engine ${version ?? "?"} answered` };

  try {
    const info = await client.requestJson<{ Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; Error?: string } }>({ path: "/info", ...opts });
    const state = info.Swarm?.LocalNodeState ?? "inactive";
    let ready: Condition;
    if (state === "active" && info.Swarm?.ControlAvailable) ready = { type: "Ready", status: "True", reason: "SwarmManager", message: "the engine is an active Swarm manager" };
    else if (state === "active") ready = { type: "Ready", status: "False", reason: "NotSwarmManager", message: "the engine is a Swarm worker; connect Meridian to a manager" };
    else {
      const detail = info.Swarm?.Error ? `: ${info.Swarm.Error}` : "";
      ready = { type: "Ready", status: "False", reason: "SwarmInactive", message: `the engine's Swarm state is ${state}${detail}` };
    }
    return { version, conditions: [reachable, authenticated, ready] };
  } catch (error) {
    return { version, conditions: [reachable, authenticated, { type: "Ready", status: "Unknown", reason: getFailureReason(error) ?? "Error", message: describeError(error) }] };
  }
}
