// Messages between the driver's scheduler backend and an executor (a worker
// thread, or a process over TCP). Every message is structured-clone data:
// tasks travel as plans, blocks as bytes.
import type { MapStatus } from "../../scheduler/MapOutputTracker.js"
import type { TaskResult } from "../../scheduler/Task.js"
import type { BlockStatus } from "../../storage/BlockManagerMaster.js"
import type { ShippedTask } from "../scheduler/taskPlan.js"

export interface ExecutorStartInfo {
  readonly executorId: string
  readonly host: string
  readonly cores: number
  readonly maxMemory: number
  readonly localDir: string
  readonly conf: ReadonlyArray<readonly [string, string]>
  readonly heartbeatIntervalMs: number
}

/** Messages of the RPC channel (rpc/) from the driver to an executor. */
export type RpcToExecutor =
  /** A one-way message for an endpoint a task registered on the executor. */
  | { readonly _tag: "EndpointMessage"; readonly endpoint: string; readonly message: unknown }
  /** The answer to the executor's `EndpointAsk` `askId`: the reply, or why the ask failed. */
  | {
    readonly _tag: "EndpointReply"
    readonly askId: number
    readonly reply:
      | { readonly ok: true; readonly value: unknown }
      | { readonly ok: false; readonly reason: "NoSuchEndpoint" | "HandlerFailed"; readonly message: string }
  }

/** Messages of the RPC channel (rpc/) from an executor to the driver's endpoints. */
export type RpcFromExecutor =
  | { readonly _tag: "EndpointMessage"; readonly endpoint: string; readonly message: unknown }
  | { readonly _tag: "EndpointAsk"; readonly askId: number; readonly endpoint: string; readonly message: unknown }

export type ToExecutor =
  | RpcToExecutor
  | {
    readonly _tag: "Launch"
    readonly task: ShippedTask
    /**
     * Map output statuses of the shuffles the task's stage reads that this
     * executor lacks or holds an older version of: it keeps them for later
     * tasks (replacing older ones) until `RemoveShuffle`.
     */
    readonly mapStatuses: ReadonlyArray<readonly [number, ReadonlyArray<MapStatus | undefined>]>
    /** Broadcast values this executor has not received yet. */
    readonly broadcasts: ReadonlyArray<readonly [number, unknown]>
  }
  | { readonly _tag: "Kill"; readonly taskId: number; readonly reason: string }
  /** The driver asks for blocks this executor holds (on behalf of another executor). */
  | { readonly _tag: "FetchRequest"; readonly requestId: number; readonly names: ReadonlyArray<string> }
  /** The answer to this executor's own Fetch. */
  | { readonly _tag: "FetchResponse"; readonly requestId: number; readonly blocks: ReadonlyArray<readonly [string, Uint8Array]> }
  | { readonly _tag: "PutBlock"; readonly name: string; readonly bytes: Uint8Array; readonly level: string }
  | { readonly _tag: "RemoveBlock"; readonly name: string }
  /** How many other live executors there are (replica targets): none means a replica would go nowhere. */
  | { readonly _tag: "Peers"; readonly count: number }
  | { readonly _tag: "RemoveRdd"; readonly rddId: number }
  | { readonly _tag: "RemoveShuffle"; readonly shuffleId: number }
  /** The driver dropped a broadcast (destroyed or collected): the executor drops its copy. */
  | { readonly _tag: "RemoveBroadcast"; readonly broadcastId: number }
  | { readonly _tag: "Stop" }

export type FromExecutor =
  | RpcFromExecutor
  /** `maxMemory`: the bytes its block manager may use (the driver's `BlockManagerAdded`). */
  | {
    readonly _tag: "Registered"
    readonly executorId: string
    readonly host: string
    readonly cores: number
    readonly maxMemory: number
  }
  | { readonly _tag: "StatusUpdate"; readonly taskId: number; readonly result: TaskResult }
  /** Task `taskId` came without its stage's plan, which this executor no longer holds: the driver sends it again with it. */
  | { readonly _tag: "PlanMissing"; readonly taskId: number; readonly planId: number }
  | { readonly _tag: "BlockUpdate"; readonly name: string; readonly status: BlockStatus }
  | { readonly _tag: "Fetch"; readonly requestId: number; readonly names: ReadonlyArray<string> }
  | { readonly _tag: "FetchReply"; readonly requestId: number; readonly blocks: ReadonlyArray<readonly [string, Uint8Array]> }
  | { readonly _tag: "Replicate"; readonly name: string; readonly bytes: Uint8Array; readonly level: string }
  | { readonly _tag: "Heartbeat" }

// The handshake on a TCP connection, before any of the messages above
// (internal/executor/auth.ts): the driver speaks first.
export type DriverHandshakeMessage =
  /** The driver's first frame: whether it authenticates, its nonce, and the frame bound after the handshake. */
  | {
    readonly _tag: "AuthChallenge"
    readonly authenticate: boolean
    readonly nonce: Uint8Array
    readonly maxMessageBytes: number
  }
  /** The executor proved it knows the secret; the driver proves it too. */
  | { readonly _tag: "AuthAccepted"; readonly proof: Uint8Array }
  /** The executor is refused; the connection closes after this frame. */
  | { readonly _tag: "AuthRefused"; readonly reason: string }

/** The executor's answer to an authenticating challenge. */
export interface AuthResponse {
  readonly _tag: "AuthResponse"
  readonly nonce: Uint8Array
  readonly proof: Uint8Array
}

/**
 * What a worker-thread channel may move instead of copy: a block replica's
 * bytes (`Replicate`, `PutBlock`), whose sender made them for this message
 * and does not touch them again, when they are the whole of their memory (a
 * view of shared memory, such as Node's pool, is copied as usual).
 */
export const transferList = (message: ToExecutor | FromExecutor): Array<ArrayBuffer> => {
  if (message._tag !== "Replicate" && message._tag !== "PutBlock") return []
  const { bytes } = message
  return bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? [bytes.buffer]
    : []
}
