/**
 * Real crash test: a child process writes to the log in a loop and is killed
 * with SIGKILL; every record acknowledged to the parent before the kill is
 * read back.
 */
import { spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { FileSystem, FileWriteAheadLog, type WriteAheadLog } from "../src/index.js"
import { crashRecord, indexOf } from "./fixtures/crashRecord.js"
import { tempDir } from "./utils/tempDir.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const script = path.join(here, "fixtures", "crashWriter.ts")

interface Ack {
  readonly ack: number
  readonly handle: WriteAheadLog.RecordHandle
}

/** Runs the writer until `killAfter` acks arrive, then SIGKILLs it. */
const runAndKill = (directory: string, mode: "single" | "batched", killAfter: number) =>
  Effect.promise(() =>
    new Promise<{ acks: Array<Ack>; signal: string | null }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", script, directory, mode], {
        stdio: ["ignore", "ignore", "pipe", "ipc"]
      })
      const acks: Array<Ack> = []
      let stderr = ""
      let killed = false
      child.stderr!.on("data", (d) => (stderr += String(d)))
      child.on("message", (m: { ack?: number; handle?: WriteAheadLog.RecordHandle }) => {
        if (killed || m.ack === undefined) return
        acks.push({ ack: m.ack, handle: m.handle! })
        if (acks.length >= killAfter) {
          killed = true
          child.kill("SIGKILL")
        }
      })
      child.on("error", reject)
      child.on("exit", (_code, signal) => {
        if (!killed) reject(new Error(`writer exited before the kill: ${stderr}`))
        else resolve({ acks, signal })
      })
    })
  )

const check = (mode: "single" | "batched", killAfter: number) =>
  Effect.gen(function*() {
    const dir = yield* tempDir("tspark-crash-")
    const { acks, signal } = yield* runAndKill(dir, mode, killAfter)
    assert.strictEqual(signal, "SIGKILL")
    const all = yield* FileWriteAheadLog.readDirectory(dir)
    const found = new Map<number, Uint8Array>()
    for (const r of all.records) {
      const i = indexOf(r.data)
      assert.deepStrictEqual(r.data, crashRecord(i), `record ${i} read back with different bytes`)
      assert.isFalse(found.has(i), `record ${i} read twice`)
      found.set(i, r.data)
    }
    for (const a of acks) {
      assert.isTrue(found.has(a.ack), `acknowledged record ${a.ack} was lost (${mode}, killed after ${killAfter})`)
      assert.deepStrictEqual(yield* FileWriteAheadLog.readHandle(a.handle), crashRecord(a.ack))
    }
    if (mode === "single") {
      // one writer: the log holds exactly records 0..n-1, in order
      assert.deepStrictEqual(all.records.map((r) => indexOf(r.data)), Array.from({ length: all.records.length }, (_, i) => i))
    }
    // only the tail of the last file may be torn
    for (const p of all.problems) assert.strictEqual(p._tag, "TornTail")
  }).pipe(Effect.scoped, Effect.provide(FileSystem.layerLocal))

describe("crash (SIGKILL) recovery", () => {
  it.live("single writer: every acknowledged record survives SIGKILL at a random moment", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 600 }), (killAfter) => Effect.runPromise(check("single", killAfter))),
        { numRuns: 3 }
      )
    ), 120_000)

  it.live("batched writers: every acknowledged record survives SIGKILL at a random moment", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 1500 }), (killAfter) => Effect.runPromise(check("batched", killAfter))),
        { numRuns: 3 }
      )
    ), 120_000)
})
