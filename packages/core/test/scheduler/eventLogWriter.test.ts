/**
 * The event log's writer under failure: a write that fails is logged and the
 * writer goes on; a disk that does not keep up fills the bounded buffer,
 * whose overflow is dropped, counted and warned of once; a log directory
 * removed while the application runs makes its completion fail with a
 * warning, and the context still stops.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Logger, Scope } from "effect"
import * as fs from "node:fs"
import type * as fsp from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { EventLogWriter } from "../../src/internal/eventlog/eventLogWriter.js"
import * as SparkContext from "../../src/SparkContext.js"

const capture = () => {
  const warnings: Array<string> = []
  const logger = Logger.map(Logger.formatStructured, (line) => {
    if (line.level === "WARN") warnings.push(Array.isArray(line.message) ? line.message.join(" ") : String(line.message))
  })
  return { warnings, layer: Logger.layer([logger]) }
}

/** A file handle whose writes do what `write` says. */
const fakeHandle = (write: (chunk: string) => Promise<unknown>) =>
  ({ write, sync: () => Promise.resolve(), close: () => Promise.resolve() }) as unknown as fsp.FileHandle

describe("the event log writer", () => {
  it.live("a failed write is logged and the writer goes on with the next lines", () => {
    const { layer, warnings } = capture()
    return Effect.gen(function*() {
      const written: Array<string> = []
      let calls = 0
      const handle = fakeHandle((chunk) => (calls++ === 0 ? Promise.reject(new Error("disk full")) : Promise.resolve(written.push(chunk))))
      const scope = yield* Scope.make()
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-writer-"))
      const writer = yield* EventLogWriter.start(
        handle,
        { inProgress: path.join(dir, "a.inprogress"), final: path.join(dir, "a") },
        { bufferBytes: 1, maxPendingBytes: 1000 },
        scope
      )
      writer.append("first", true)
      for (let i = 0; i < 100 && warnings.length === 0; i++) yield* Effect.yieldNow
      writer.append("second", true)
      yield* Scope.close(scope, Exit.void)
      assert.isTrue(warnings.some((w) => w.includes("a write failed") && w.includes("disk full")), warnings.join("\n"))
      assert.deepStrictEqual(written, ["second\n"])
    }).pipe(Effect.provide(layer))
  })

  it.live("a disk that does not keep up: the buffer's overflow is dropped, counted and warned of once", () => {
    const { layer, warnings } = capture()
    return Effect.gen(function*() {
      let release: () => void = () => {}
      const stuck = new Promise<void>((resolve) => (release = resolve))
      const scope = yield* Scope.make()
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-writer-"))
      const writer = yield* EventLogWriter.start(
        fakeHandle(() => stuck),
        { inProgress: path.join(dir, "b.inprogress"), final: path.join(dir, "b") },
        { bufferBytes: 10, maxPendingBytes: 100 },
        scope
      )
      writer.append("x".repeat(20), true)
      for (let i = 0; i < 20; i++) yield* Effect.yieldNow // the fiber takes the first chunk and waits on the disk
      for (let i = 0; i < 2000; i++) writer.append("y".repeat(20), false)
      assert.isAbove(writer.dropped, 1990)
      assert.strictEqual(warnings.filter((w) => w.includes("the buffer is full")).length, 1)
      release()
      yield* Scope.close(scope, Exit.void)
      assert.isTrue(warnings.some((w) => /events were dropped/.test(w)))
    }).pipe(Effect.provide(layer))
  })

  it.live("a log directory removed while the application runs: a warning at stop, and the context stops", () => {
    const { layer, warnings } = capture()
    return Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-writer-"))
      yield* Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({ master: "local[1]", conf: { "spark.eventLog.enabled": "true", "spark.eventLog.dir": dir } })
        yield* sc.parallelize([1, 2, 3], 1).count()
        fs.rmSync(dir, { recursive: true, force: true })
        yield* sc.stop()
        assert.isTrue(sc.isStopped)
      }))
      assert.isTrue(warnings.some((w) => w.includes("could not be completed")), warnings.join("\n"))
    }).pipe(Effect.provide(layer))
  })
})
