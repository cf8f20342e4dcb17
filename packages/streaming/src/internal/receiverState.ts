// The link from a Receiver to the supervisor running it. It lives under a
// Symbol key, non-enumerable, so a receiver's own enumerable fields are only
// its shippable data (what describeReceiver sends to the executor).
import type { Effect } from "effect"

/** What a receiver's methods call on its supervisor. */
export interface SupervisorHandle {
  readonly streamId: number
  readonly pushSingle: (record: unknown) => Promise<void>
  readonly pushMultiple: (records: ReadonlyArray<unknown>) => Promise<void>
  /** Stores whole lines given as bytes; `undefined` when they were taken at once, else a Promise of when. */
  readonly pushLines: (bytes: Uint8Array) => Promise<void> | undefined
  readonly pushArray: (records: ReadonlyArray<unknown>, metadata: unknown) => Promise<void>
  readonly pushBytes: (bytes: Uint8Array, metadata: unknown) => Promise<void>
  readonly restart: (message: string, error: unknown, delayMs: number | undefined) => void
  readonly stop: (message: string, error: unknown) => void
  readonly reportError: (message: string, error: unknown) => void
  readonly isReceiverStarted: () => boolean
  readonly isReceiverStopped: () => boolean
  /** Makes a block generator of the receiver's own follow the driver's rate limits; returns how to stop. */
  readonly followRate: (follower: RateFollower) => () => void
}

/** What follows the driver's rate limits: a `BlockGenerator` (its `updateRate`). */
export interface RateFollower {
  readonly updateRate: (elementsPerSecond: number) => Effect.Effect<void, unknown>
}

export const supervisorKey: unique symbol = Symbol.for("@tspark/streaming/receiver/supervisor")

export const attachSupervisor = (receiver: object, handle: SupervisorHandle): void => {
  Object.defineProperty(receiver, supervisorKey, { value: handle, enumerable: false, configurable: true, writable: true })
}

export const supervisorOf = (receiver: object): SupervisorHandle | undefined =>
  (receiver as { readonly [supervisorKey]?: SupervisorHandle })[supervisorKey]

/** An error as the text the tracker and listeners see. */
export const errorText = (error: unknown): string => {
  if (error === undefined || error === null) return ""
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`
  if (typeof error === "object" && "message" in error && typeof error.message === "string") return error.message
  return String(error)
}
