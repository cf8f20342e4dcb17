// The messages between a ReceiverSupervisor (on an executor) and the
// driver's ReceiverTracker, over core's RPC endpoints. Plain data: they
// cross threads and processes. Mirrors the case classes of Spark's
// ReceiverTracker.scala (RegisterReceiver, AddBlock, ReportError,
// DeregisterReceiver) and ReceiverMessage.scala (StopReceiver,
// UpdateRateLimit, CleanupOldBlocks).
import type { ReceivedBlockInfo } from "../scheduler/ReceivedBlockInfo.js"

/** The driver endpoint the tracker registers. */
export const RECEIVER_TRACKER_ENDPOINT = "ReceiverTracker"

/** The executor endpoint a supervisor registers for its stream. */
export const receiverSupervisorEndpoint = (streamId: number): string => `ReceiverSupervisor-${streamId}`

/**
 * Supervisor to tracker. RegisterReceiver, AddBlock and DeregisterReceiver are
 * asks (replies: `boolean`: registration accepted / block added / done);
 * ReportError is one-way.
 */
export type ToReceiverTracker =
  | {
    readonly _tag: "RegisterReceiver"
    readonly streamId: number
    /** The receiver's class name. */
    readonly typ: string
    readonly host: string
    readonly executorId: string
  }
  | { readonly _tag: "AddBlock"; readonly info: ReceivedBlockInfo }
  | { readonly _tag: "ReportError"; readonly streamId: number; readonly message: string; readonly error: string }
  | { readonly _tag: "DeregisterReceiver"; readonly streamId: number; readonly message: string; readonly error: string }

/** Tracker to supervisor, one-way. */
export type ToReceiverSupervisor =
  | { readonly _tag: "StopReceiver" }
  | { readonly _tag: "UpdateRateLimit"; readonly elementsPerSecond: number }
  | { readonly _tag: "CleanupOldBlocks"; readonly threshTime: number }

/**
 * How a supervisor reaches the tracker: on an executor, core's `ExecutorRpc`
 * (`ctx.env.rpc`); in tests, an in-memory tracker.
 */
export interface ReceiverTrackerLink {
  /** Asks the tracker; rejects when the tracker cannot be reached. */
  readonly ask: (message: ToReceiverTracker) => Promise<unknown>
  readonly send: (message: ToReceiverTracker) => void
  /** Receives the tracker's messages for this stream's supervisor; returns the unsubscribe. */
  readonly onMessage: (streamId: number, handler: (message: ToReceiverSupervisor) => void) => () => void
}
