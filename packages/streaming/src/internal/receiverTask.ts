// What a receiver job runs on an executor: revive the receiver, reach the
// driver's tracker through the executor's RPC, run the supervisor.
import type { TaskContext } from "@tspark/core"
import { Effect, Schedule } from "effect"
import * as ReceiverSupervisor from "../receiver/ReceiverSupervisor.js"
import {
  RECEIVER_TRACKER_ENDPOINT,
  receiverSupervisorEndpoint,
  type ReceiverTrackerLink,
  type ToReceiverSupervisor
} from "./receiverMessages.js"
import { type ReceiverDescriptor, reviveReceiver } from "./receiverShipping.js"

/** The part of core's ExecutorRpc (`ctx.env.rpc`) a supervisor uses. */
export interface ExecutorRpcLike {
  readonly ask: (endpoint: string, message: unknown) => Promise<unknown>
  readonly send: (endpoint: string, message: unknown) => void
  readonly setupEndpoint: (name: string, handler: (message: unknown) => void) => () => void
}

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
}

const confOf = (env: ReceiverTaskEnv, ctx: TaskContext.TaskContext): Record<string, string> => {
  const conf: Record<string, string> = {}
  for (const [k, v] of ctx.env.conf.entries) if (k.startsWith("spark.streaming.")) conf[k] = v
  for (const [k, v] of env.conf) conf[k] = v
  return conf
}

/** Polls the task's kill flag (a cancelled receiver job) on the Clock. */
const untilInterrupted = (ctx: TaskContext.TaskContext) =>
  Effect.repeat(Effect.sync(() => ctx.isInterrupted()), {
    schedule: Schedule.spaced("200 millis"),
    until: (interrupted) => interrupted
  })

export const receiverTaskFunction = (env: ReceiverTaskEnv) => async (_partition: unknown, ctx: TaskContext.TaskContext): Promise<void> => {
  const rpc = (ctx.env as { readonly rpc?: ExecutorRpcLike }).rpc
  if (rpc === undefined) {
    throw new Error(`executor ${ctx.env.executorId} has no RPC to the driver (ctx.env.rpc); receivers need it`)
  }
  const receiver = await reviveReceiver(env.receiver)
  const supervise = ReceiverSupervisor.run(receiver, {
    link: rpcTrackerLink(rpc),
    blockManager: ctx.env.blockManager,
    conf: confOf(env, ctx),
    executorId: ctx.env.executorId,
    host: ctx.env.host,
    streamId: env.streamId
  })
  // A killed task interrupts the supervisor, which then stops the receiver as `stop` does.
  const program = Effect.raceFirst(supervise, Effect.asVoid(untilInterrupted(ctx)))
  await Effect.runPromise(program)
}
