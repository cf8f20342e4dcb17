// What a receiver job runs on an executor: revive the receiver, reach the
// driver's tracker through the executor's RPC, run the supervisor.
import type { RpcEndpoint, TaskContext } from "@tspark/core"
import { Effect } from "effect"
import type { Receiver } from "../receiver/Receiver.js"
import type { ReceiverConfigError, ReceiverWriteAheadLogError } from "../receiver/ReceiverError.js"
import * as ReceiverSupervisor from "../receiver/ReceiverSupervisor.js"
import {
  RECEIVER_TRACKER_ENDPOINT,
  receiverSupervisorEndpoint,
  type ReceiverTrackerLink,
  type ToReceiverSupervisor
} from "./receiverMessages.js"
import { type ReceiverDescriptor, reviveReceiver } from "./receiverShipping.js"

/** The RPC a supervisor uses: core's `ExecutorRpc` (`ctx.env.rpc`). */
export type ExecutorRpcLike = RpcEndpoint.ExecutorRpc

export const rpcTrackerLink = (rpc: ExecutorRpcLike): ReceiverTrackerLink => ({
  ask: (message) => rpc.ask(RECEIVER_TRACKER_ENDPOINT, message),
  send: (message) => rpc.send(RECEIVER_TRACKER_ENDPOINT, message),
  onMessage: (streamId, handler) =>
    rpc.setupEndpoint(receiverSupervisorEndpoint(streamId), (message) => handler(message as ToReceiverSupervisor))
})

/** What the driver ships with a receiver job. */
export interface ReceiverTaskEnv {
  readonly receiver: ReceiverDescriptor
  readonly streamId: number
  readonly conf: ReadonlyArray<readonly [string, string]>
  /** The streaming context's checkpoint directory: where the receiver write-ahead log lives. */
  readonly checkpointDir?: string
}

const confOf = (env: ReceiverTaskEnv, ctx: TaskContext.TaskContext): Record<string, string> => {
  const conf: Record<string, string> = {}
  for (const [k, v] of ctx.env.conf.entries) if (k.startsWith("spark.streaming.")) conf[k] = v
  for (const [k, v] of env.conf) conf[k] = v
  return conf
}

/**
 * Supervises `receiver` in the task `ctx` until it stops for good, on any
 * executor (shipped or in process): a killed task (its job cancelled)
 * interrupts the supervisor, which then stops the receiver as `stop` does.
 */
export const superviseInTask = (
  receiver: Receiver<unknown>,
  ctx: TaskContext.TaskContext,
  rpc: ExecutorRpcLike,
  conf: Readonly<Record<string, string>>,
  streamId: number,
  checkpointDir: string | undefined
): Effect.Effect<void, ReceiverConfigError | ReceiverWriteAheadLogError> => {
  const supervise = ReceiverSupervisor.run(receiver, {
    link: rpcTrackerLink(rpc),
    blockManager: ctx.env.blockManager,
    conf,
    executorId: ctx.env.executorId,
    host: ctx.env.host,
    streamId,
    ...(checkpointDir === undefined ? {} : { checkpointDir })
  })
  const killed = Effect.callback<void>((resume) => void ctx.addTaskInterruptListener(() => resume(Effect.void)))
  return Effect.raceFirst(supervise, killed)
}

export const receiverTaskFunction = (env: ReceiverTaskEnv) => async (_partition: unknown, ctx: TaskContext.TaskContext): Promise<void> => {
  const rpc = (ctx.env as { readonly rpc?: ExecutorRpcLike }).rpc
  if (rpc === undefined) {
    throw new Error(`executor ${ctx.env.executorId} has no RPC to the driver (ctx.env.rpc); receivers need it`)
  }
  const receiver = await reviveReceiver(env.receiver)
  await Effect.runPromise(superviseInTask(receiver, ctx, rpc, confOf(env, ctx), env.streamId, env.checkpointDir))
}
