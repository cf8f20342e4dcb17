import { Effect, Option } from "effect"
import type * as CR from "../CheckpointReader.js"
import { FileSystem } from "../FileSystem.js"
import * as file from "./checkpointFile.js"
import { listCheckpointFiles, unwrapPayload } from "./checkpointFiles.js"

type Attempt =
  | { readonly ok: true; readonly payload: Uint8Array }
  | { readonly ok: false; readonly kind: CR.SkipKind; readonly reason: string }

const skip = (kind: CR.SkipKind, reason: string): Attempt => ({ ok: false, kind, reason })

export const read = Effect.fnUntraced(function*(directory: string) {
  const fs = yield* FileSystem
  const files = yield* listCheckpointFiles(directory).pipe(
    Effect.catchTag("FileNotFoundError", () => Effect.succeed([]))
  )
  const skipped: Array<CR.Skipped> = []
  const skipOne = (path: string, kind: CR.SkipKind, reason: string) => {
    skipped.push({ path, kind, reason })
    return Effect.logWarning(`Skipping checkpoint ${path} (${kind}): ${reason}; trying the next older one`)
  }
  for (const f of files) {
    const info = yield* fs.stat(f.path)
    if (Option.isNone(info)) {
      yield* skipOne(f.path, "Deleted", "deleted while reading")
      continue
    }
    if (info.value.isDirectory) {
      yield* skipOne(f.path, "NotAFile", "a directory has the name of a checkpoint file")
      continue
    }
    const attempt: Attempt = yield* file.read(f.path).pipe(
      Effect.provideService(FileSystem, fs),
      Effect.map((payload): Attempt => ({ ok: true, payload })),
      Effect.catchTags({
        CorruptDataError: (e) => Effect.succeed(skip("Corrupt", e.reason)),
        FileNotFoundError: () => Effect.succeed(skip("Deleted", "deleted while reading")),
        // permission, I/O error, or a directory that replaced the file after the stat
        FileSystemError: (e) => Effect.succeed(skip("Unreadable", `${e.operation} failed (${e.code}): ${e.detail}`))
      })
    )
    if (!attempt.ok) {
      yield* skipOne(f.path, attempt.kind, attempt.reason)
      continue
    }
    const unwrapped = unwrapPayload(attempt.payload)
    if (unwrapped === undefined) {
      yield* skipOne(f.path, "Corrupt", "payload shorter than its time field")
      continue
    }
    if (unwrapped.time !== f.time) {
      yield* skipOne(f.path, "TimeMismatch", `holds time ${unwrapped.time}, but its name says ${f.time}`)
      continue
    }
    const checkpoint: CR.Checkpoint = { path: f.path, time: f.time, data: unwrapped.data }
    return { checkpoint: Option.some(checkpoint), skipped } satisfies CR.ReadResult
  }
  return { checkpoint: Option.none(), skipped } satisfies CR.ReadResult
})
