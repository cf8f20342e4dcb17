// Two logs on one directory, as when a receiver is restarted on another
// executor while the old one still writes (or after it crashed mid-write):
// neither fails, neither overwrites the other's segments, and every handle
// either returned reads back its record.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as fsp from "node:fs/promises"
import { FileSystem, FileWriteAheadLog } from "../src/index.js"
import { bytesOf, tempDir, textOf } from "./utils/tempDir.js"

/** The local file system, except that `stat` never sees a log file: two logs race for the same name. */
const racingFileSystem = (): FileSystem.FileSystem["Service"] => {
  const local = FileSystem.makeLocal()
  return { ...local, stat: (path) => /\/log-[^/]*$/.test(path) ? Effect.succeed(Option.none()) : local.stat(path) }
}

describe("FileWriteAheadLog on a directory another log uses", () => {
  it.effect("a segment name taken between stat and create moves to the next sequence number", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const first = yield* FileWriteAheadLog.make({ directory: dir })
      const second = yield* FileWriteAheadLog.make({ directory: dir })
      const a = yield* first.write(bytesOf("from the old receiver"), 0)
      const b = yield* second.write(bytesOf("from the new receiver"), 0)
      const c = yield* first.write(bytesOf("old again"), 10)
      assert.notStrictEqual(a.path, b.path)
      assert.strictEqual(textOf(yield* second.read(a)), "from the old receiver")
      assert.strictEqual(textOf(yield* first.read(b)), "from the new receiver")
      assert.strictEqual(textOf(yield* first.read(c)), "old again")
    }).pipe(Effect.provideService(FileSystem.FileSystem, racingFileSystem())))

  it.effect("a log reopened after a crash mid-write starts a new segment; old handles still read", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const old = yield* Effect.scoped(Effect.gen(function*() {
        const log = yield* FileWriteAheadLog.make({ directory: dir })
        return yield* log.write(bytesOf("before the crash"), 0)
      }))
      // A torn frame at the end of the old segment, as a crash mid-write leaves it.
      yield* Effect.promise(() => fsp.appendFile(old.path, Buffer.from([1, 2, 3, 4, 5])))
      const log = yield* FileWriteAheadLog.make({ directory: dir })
      const next = yield* log.write(bytesOf("after the restart"), 0)
      assert.notStrictEqual(next.path, old.path)
      assert.strictEqual(textOf(yield* log.read(old)), "before the crash")
      assert.strictEqual(textOf(yield* log.read(next)), "after the restart")
    }).pipe(Effect.provide(FileSystem.layerLocal)))
})
