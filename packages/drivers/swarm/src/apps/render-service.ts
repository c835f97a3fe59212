import { AppError, type AppTarget, type DesiredApp, type Probe, type SlotSpec } from "@meridian/core";
import type { MeridianServiceSpec } from "../service-spec.js";
import { type DockerSecretItem, autoscalingLabel, getObjectLabels, getServiceName, releaseLabel } from "./names.js";

export interface RenderInput {
  target: AppTarget;
  slot: SlotSpec;
  /** Docker secrets of the desired app (values are needed for secretEnv, see below). */
  secrets: DockerSecretItem[];
  /** Overlay network to attach, or null (none). */
  network: string | null;
  /** Placement constraints for every slot (driver option; e.g. the testbed pins to the manager). */
  constraints: string[];
  /**
   * Labelled on the autoscaled slot for observation. Replicas always come from the desired state: Meridian's
   * autoscaler (in the server) decides them and applies them as the app's steady state.
   */
  autoscaling: DesiredApp["autoscaling"];
}

export function resolvePort(slot: SlotSpec, port: string | number): number {
  const found = typeof port === "number" ? slot.ports.find((p) => p.port === port) : slot.ports.find((p) => p.name === port);
  if (typeof port === "number" && !found) return port;
  if (!found) throw new AppError("invalid_input", `slot ${slot.slot}: port ${String(port)} is not one of its ports`);
  return found.port;
}

/**
 * Docker has one health check per container and Swarm uses it both ways: a task counts as running only once
 * it passes (readiness: rollouts and our upstream lists wait for it) and is replaced when it fails (liveness).
 * So readiness is preferred; liveness is the fallback. Exec form, never a shell: the path is user input.
 */
export function renderHealthcheck(slot: SlotSpec): MeridianServiceSpec["healthcheck"] {
  const probe: Probe | undefined = slot.readiness ?? slot.liveness;
  if (!probe) return undefined;
  let test: string[];
  if (probe.http) test = ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${resolvePort(slot, probe.http.port)}${probe.http.path}`];
  else if (probe.tcp) test = ["CMD", "nc", "-z", "127.0.0.1", String(resolvePort(slot, probe.tcp.port))];
  else if (probe.command) test = ["CMD", ...probe.command];
  else return undefined;
  return {
    test,
    interval: probe.periodSeconds,
    timeout: probe.timeoutSeconds,
    retries: probe.failureThreshold,
    // Docker's start period ignores failures instead of delaying the first check: the closest equivalent.
    startPeriod: probe.initialDelaySeconds,
  };
}

/**
 * Rolling parameters in Swarm's terms: with no unavailability allowed, new tasks start before old ones stop
 * (start-first), maxSurge at a time; otherwise old ones stop first, maxUnavailable at a time. A task that fails
 * within Monitor fails the update, and the service rolls back to its previous spec.
 */
export function renderUpdateConfig(slot: SlotSpec): NonNullable<MeridianServiceSpec["updateConfig"]> {
  const startFirst = slot.rolling.maxUnavailable === 0;
  const parallelism = Math.max(1, startFirst ? slot.rolling.maxSurge : slot.rolling.maxUnavailable);
  return { parallelism, order: startFirst ? "start-first" : "stop-first", failureAction: "rollback", monitor: "5s", maxFailureRatio: 0 };
}

/**
 * Secret variables are given as plain variables on the service: Docker cannot set a variable from a secret
 * file, and `<ENV>_FILE` works only with images that read it, while the app spec promises the value in the
 * variable. The value is then visible to whoever can inspect services, which on Swarm is root-equivalent
 * anyway (Docker API access); Meridian's own diffs redact it (apply's redactEnv). The secret is mounted as
 * /run/secrets/<name> too, for apps that prefer files, and ties the secret's lifetime to the services.
 */
export function renderEnv(slot: SlotSpec, secrets: DockerSecretItem[]): Record<string, string> {
  const env: Record<string, string> = { ...slot.env };
  for (const ref of slot.secretEnv) {
    const item = secrets.find((s) => s.secret === ref.secret && s.key === ref.key);
    if (!item) throw new AppError("invalid_input", `slot ${slot.slot}: ${ref.env} refers to ${ref.secret}/${ref.key}, which is not among the app's secrets`);
    env[ref.env] = item.value;
  }
  return env;
}

export function renderService(input: RenderInput): MeridianServiceSpec {
  const { target, slot, network, constraints } = input;
  const labels: Record<string, string> = { ...getObjectLabels(target, slot.slot), [releaseLabel]: slot.releaseId };
  if (input.autoscaling && input.autoscaling.slot === slot.slot) {
    const a = input.autoscaling;
    labels[autoscalingLabel] = `min=${a.min},max=${a.max},cpu=${a.cpuTarget}`;
  }
  const mountedSecrets = [...new Set(slot.secretEnv.map((ref) => input.secrets.find((s) => s.secret === ref.secret && s.key === ref.key)?.name))];
  const limits = slot.resources.limits;
  const requests = slot.resources.requests;
  const healthcheck = renderHealthcheck(slot);
  const update = renderUpdateConfig(slot);
  const env = renderEnv(slot, input.secrets);
  // Empty lists are left out: the engine drops them, and a re-apply must compare equal.
  return {
    kind: "SwarmService",
    name: getServiceName(target, slot.slot),
    namespace: target.namespace,
    image: slot.image,
    replicas: slot.replicas,
    ...(Object.keys(env).length > 0 && { env }),
    labels,
    ...(slot.command && slot.command.length > 0 && { command: slot.command }),
    ...(slot.args && slot.args.length > 0 && { args: slot.args }),
    ...((limits || requests) && {
      resources: {
        ...(limits && { limits: { ...(limits.cpu && { cpu: limits.cpu }), ...(limits.memory && { memory: limits.memory }) } }),
        ...(requests && { reservations: { ...(requests.cpu && { cpu: requests.cpu }), ...(requests.memory && { memory: requests.memory }) } }),
      },
    }),
    // Only http ports are published: they are what the router reaches, on a host port Docker picks per task.
    ports: slot.ports.filter((p) => p.protocol === "http").map((p) => ({ name: p.name, target: p.port, protocol: "tcp" as const })),
    ...(healthcheck && { healthcheck }),
    updateConfig: update,
    rollbackConfig: { parallelism: update.parallelism, order: update.order, failureAction: "pause", monitor: "5s", maxFailureRatio: 0 },
    restartPolicy: { condition: "any", delay: "5s", maxAttempts: 0 },
    ...(network && { networks: [network] }),
    // The app's own placement first, then the driver's (operator-wide) constraints; Swarm requires all of them.
    ...(constraints.length + (slot.placement?.constraints.length ?? 0) > 0 && { constraints: [...new Set([...(slot.placement?.constraints ?? []), ...constraints])] }),
    ...(mountedSecrets.length > 0 && { secrets: mountedSecrets.filter((n): n is string => n !== undefined).map((source) => ({ source })) }),
    ...(slot.volumes.length > 0 && { mounts: slot.volumes.map((v) => ({ source: `${target.namespace}_${target.app}-${v.name}`, target: v.mountPath })) }),
  };
}
