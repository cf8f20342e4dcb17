import { Effect, Option } from "effect"
import { FileSystem } from "../FileSystem.js"
import type * as CR from "../CheckpointReader.js"
import * as file from "./checkpointFile.js"
import { listCheckpointFiles, unwrapPayload } from "./checkpointFiles.js"

export const read = Effect.fnUntraced(function*(directory: string) {
  const fs = yield* FileSystem
  const files = yield* listCheckpointFiles(directory).pipe(
    Effect.catchTag("FileNotFoundError", () => Effect.succeed([]))
  )
  const skipped: Array<CR.Skipped> = []
  for (const f of files) {
    const payload = yield* file.read(f.path).pipe(
      Effect.provideService(FileSystem, fs),
      Effect.map((p) => ({ ok: true as const, p })),
      Effect.catchTags({
        CorruptDataError: (e) => Effect.succeed({ ok: false as const, reason: e.reason }),
        FileNotFoundError: () => Effect.succeed({ ok: false as const, reason: "deleted while reading" })
      })
    )
    if (!payload.ok) {
      skipped.push({ path: f.path, reason: payload.reason })
      continue
    }
    const unwrapped = unwrapPayload(payload.p)
    if (unwrapped === undefined) {
      skipped.push({ path: f.path, reason: "payload shorter than its time field" })
      continue
    }
    if (unwrapped.time !== f.time) {
      skipped.push({ path: f.path, reason: `holds time ${unwrapped.time}, but its name says ${f.time}` })
      continue
    }
    const checkpoint: CR.Checkpoint = { path: f.path, time: f.time, data: unwrapped.data }
    return { checkpoint: Option.some(checkpoint), skipped } satisfies CR.ReadResult
  }
  return { checkpoint: Option.none(), skipped } satisfies CR.ReadResult
})
