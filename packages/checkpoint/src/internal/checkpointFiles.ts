import { Effect } from "effect"
import { FileSystem } from "../FileSystem.js"

const NAME = /^checkpoint-(\d+)(\.bk)?$/

export interface CheckpointFileName {
  readonly name: string
  readonly path: string
  readonly time: number
  readonly backup: boolean
}

export const checkpointName = (time: number): string => `checkpoint-${time}`
export const backupName = (time: number): string => `checkpoint-${time}.bk`

/** Checkpoint files of a directory, newest first; for one time, the main file before its `.bk`. */
export const listCheckpointFiles = Effect.fnUntraced(function*(directory: string) {
  const fs = yield* FileSystem
  const names = yield* fs.list(directory)
  const out: Array<CheckpointFileName> = []
  for (const name of names) {
    const m = NAME.exec(name)
    if (m !== null) out.push({ name, path: fs.join(directory, name), time: Number(m[1]), backup: m[2] !== undefined })
  }
  out.sort((a, b) => b.time - a.time || Number(a.backup) - Number(b.backup))
  return out
})

/** Checkpoint payload: u64 time (as float64) then the user's bytes. */
export const wrapPayload = (time: number, data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(8 + data.length)
  new DataView(out.buffer).setFloat64(0, time, true)
  out.set(data, 8)
  return out
}

export const unwrapPayload = (payload: Uint8Array): { time: number; data: Uint8Array } | undefined =>
  payload.length < 8
    ? undefined
    : {
      time: new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getFloat64(0, true),
      data: payload.subarray(8)
    }
