import type { App } from "@meridian/core";
import { useState } from "react";
import { useActionContext } from "../actions/action-context";
import { EmptyState } from "../ui/feedback";
import { EnvPicker } from "./app-history";
import { LogPanel, type LogOptions } from "./log-view";

/** Live logs of every replica of the app in one environment (both slots during a blue/green or canary release). */
export function AppLogs({ app, envSlug, onEnv }: { app: App; envSlug: string; onEnv: (slug: string) => void }) {
  const ctx = useActionContext();
  const [slot, setSlot] = useState<"" | "blue" | "green">("");
  const env = app.environments.find((e) => e.environmentSlug === envSlug);
  if (!env) return <EmptyState title="This project has no environments" />;
  const picker = <EnvPicker app={app} value={envSlug} onChange={onEnv} />;
  if (!env.deployed) {
    return (
      <div className="app-logs">
        <div className="toolbar">{picker}</div>
        <EmptyState title={`Not deployed in ${env.environmentName}`} body="Logs appear once a release runs here. Deploy from the Environments tab." />
      </div>
    );
  }
  const request = (o: LogOptions) => ({
    route: "streamAppLogs" as const,
    input: {
      params: { orgId: ctx.orgId ?? "", projectId: app.projectId, environmentId: env.environmentId, app: app.name },
      query: { follow: o.follow ? "true" : "false", tail: o.tail ? Number(o.tail) : 10_000, ...(o.since ? { since: Number(o.since) } : {}), ...(slot ? { slot } : {}) },
    },
  });
  return (
    <div className="app-logs">
      <LogPanel
        key={env.environmentId}
        name={`${app.name} in ${env.environmentName}`}
        request={request}
        leading={
          <>
            {picker}
            <label className="inline-field">
              <span>Slot</span>
              <select className="input" value={slot} onChange={(e) => setSlot(e.currentTarget.value as typeof slot)}>
                <option value="">Both</option>
                <option value="blue">Blue{env.activeSlot === "blue" ? " (serving)" : ""}</option>
                <option value="green">Green{env.activeSlot === "green" ? " (serving)" : ""}</option>
              </select>
            </label>
          </>
        }
      />
    </div>
  );
}
