/** The parts of Docker Engine API objects this driver reads. Everything else passes through untyped. */

export type Labels = Record<string, string>;
export interface ObjectVersion {
  Index: number;
}

export interface DockerNode {
  ID: string;
  Version?: ObjectVersion;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: { Name?: string; Labels?: Labels; Role?: string; Availability?: string };
  Description?: {
    Hostname?: string;
    Platform?: { Architecture?: string; OS?: string };
    Resources?: { NanoCPUs?: number; MemoryBytes?: number };
    Engine?: { EngineVersion?: string };
  };
  Status?: { State?: string; Message?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string };
}

export interface ResourceSpec {
  NanoCPUs?: number;
  MemoryBytes?: number;
}

export interface PortConfig {
  Name?: string;
  Protocol?: string;
  TargetPort?: number;
  PublishedPort?: number;
  PublishMode?: string;
}

export interface ContainerSpec {
  Image?: string;
  Labels?: Labels;
  Command?: string[];
  Args?: string[];
  Env?: string[];
  TTY?: boolean;
  [key: string]: unknown;
}

export interface TaskSpec {
  ContainerSpec?: ContainerSpec;
  Resources?: { Limits?: ResourceSpec; Reservations?: ResourceSpec };
  Placement?: { Constraints?: string[]; [key: string]: unknown };
  Networks?: { Target: string; Aliases?: string[] }[];
  ForceUpdate?: number;
  [key: string]: unknown;
}

export interface ServiceMode {
  Replicated?: { Replicas?: number };
  Global?: Record<string, never>;
  ReplicatedJob?: { MaxConcurrent?: number; TotalCompletions?: number };
  GlobalJob?: Record<string, never>;
}

export interface ServiceSpec {
  Name?: string;
  Labels?: Labels;
  TaskTemplate?: TaskSpec;
  Mode?: ServiceMode;
  UpdateConfig?: Record<string, unknown>;
  RollbackConfig?: Record<string, unknown>;
  EndpointSpec?: { Mode?: string; Ports?: PortConfig[] };
  [key: string]: unknown;
}

export interface DockerService {
  ID: string;
  Version?: ObjectVersion;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: ServiceSpec;
  PreviousSpec?: ServiceSpec;
  Endpoint?: { Ports?: PortConfig[] };
  UpdateStatus?: { State?: string; Message?: string };
  ServiceStatus?: { RunningTasks?: number; DesiredTasks?: number; CompletedTasks?: number };
}

export interface DockerTask {
  ID: string;
  Version?: ObjectVersion;
  CreatedAt?: string;
  UpdatedAt?: string;
  Labels?: Labels;
  Spec?: TaskSpec;
  ServiceID?: string;
  Slot?: number;
  NodeID?: string;
  Status?: {
    Timestamp?: string;
    State?: string;
    Message?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string; ExitCode?: number };
    /** Host-mode ports as published for this task (the host port Docker picked). */
    PortStatus?: { Ports?: PortConfig[] };
  };
  DesiredState?: string;
}

export interface DockerNetwork {
  Id: string;
  Name: string;
  Created?: string;
  Scope?: string;
  Driver?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] | null };
  Labels?: Labels | null;
}

export interface DockerConfig {
  ID: string;
  Version?: ObjectVersion;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: { Name?: string; Labels?: Labels; Data?: string; Templating?: unknown };
}

export interface DockerSecret {
  ID: string;
  Version?: ObjectVersion;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: { Name?: string; Labels?: Labels; Driver?: { Name?: string } | null; Templating?: unknown };
}

export interface DockerVolume {
  Name: string;
  Driver?: string;
  Mountpoint?: string;
  CreatedAt?: string;
  Labels?: Labels | null;
  Scope?: string;
  ClusterVolume?: { ID?: string; Version?: ObjectVersion; Info?: unknown; PublishStatus?: { NodeID?: string; State?: string }[] };
}

export interface DockerEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  scope?: string;
  time?: number;
  timeNano?: number;
}

export const stackLabel = "com.docker.stack.namespace";
