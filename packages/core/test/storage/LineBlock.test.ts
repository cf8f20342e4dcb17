import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import * as path from "node:path"
import * as v8 from "node:v8"
import { deserialize } from "../../src/internal/storage/serializer.js"
import * as BlockId from "../../src/storage/BlockId.js"
import { BlockManager } from "../../src/storage/BlockManager.js"
import { BlockManagerMaster } from "../../src/storage/BlockManagerMaster.js"
import { LocalBlockTransferService, localBlocks } from "../../src/storage/BlockTransferService.js"
import * as LineBlock from "../../src/storage/LineBlock.js"
import * as StorageLevel from "../../src/storage/StorageLevel.js"
import { tempDir } from "../utils/spark.js"

const text = (s: string) => Buffer.from(s, "utf8")

/** Every line of an iterator, through `next` or through `drain`. */
const viaNext = (it: Iterator<string>) => {
  const out: Array<string> = []
  for (let r = it.next(); !r.done; r = it.next()) out.push(r.value)
  return out
}
const viaDrain = (it: Iterator<string>) => {
  const out: Array<string> = []
  ;(it as Iterator<string> & { drain: (sink: (line: string) => void) => void }).drain((line) => out.push(line))
  return out
}

/** A read buffer as a receiver fills it: a newline, then `content`, with room after it. */
const readBuffer = (content: string) => {
  const slab = Buffer.alloc(1 << 16)
  slab[0] = 10
  const length = slab.write(content, 1, "utf8")
  return { slab, bytes: (from: number, to: number) => slab.subarray(1 + from, 1 + to), length }
}

// Strings that come back as the same line: no newline, no trailing carriage return.
const line = fc.string({ unit: "grapheme", maxLength: 20 }).filter((s) => !s.includes("\n") && !s.endsWith("\r"))

describe("LineBlock", () => {
  it.effect("round-trips lines, the empty line and unicode, through decode and both ways of iterating", () =>
    Effect.gen(function*() {
      const lines = ["a", "", "é😀 x", "last"]
      const block = yield* LineBlock.fromLines(lines)
      assert.isTrue(LineBlock.isLineBlock(block))
      assert.deepStrictEqual(LineBlock.decode(block), lines)
      assert.deepStrictEqual(viaNext(LineBlock.iterate(block)), lines)
      assert.deepStrictEqual(viaDrain(LineBlock.iterate(block)), lines)
      assert.deepStrictEqual(LineBlock.decode(yield* LineBlock.fromLines([])), [])
      assert.deepStrictEqual(LineBlock.decode(yield* LineBlock.fromLines([""])), [""])
    }))

  it.effect("fromLines refuses a line that would not come back the same, naming it", () =>
    Effect.gen(function*() {
      const newline = yield* Effect.flip(LineBlock.fromLines(["ok", "a\nb"]))
      assert.strictEqual(newline._tag, "InvalidArgumentError")
      assert.match(newline.message, /line 1 holds a newline/)
      const carriageReturn = yield* Effect.flip(LineBlock.fromLines(["x\r"]))
      assert.match(carriageReturn.message, /line 0 ends with \\r/)
    }))

  it("drops the \\r of \\r\\n endings and decodes invalid UTF-8 as U+FFFD", () => {
    assert.deepStrictEqual(LineBlock.splitLines(text("a\r\nb\n\r\n")), ["a", "b", ""])
    assert.deepStrictEqual(LineBlock.splitLines(Buffer.from([0x61, 0xff, 0x0a])), ["a\ufffd"])
    assert.deepStrictEqual(LineBlock.splitLines(text("no newline")), [])
  })

  it("refuses a block that is not a line block or was cut short", () => {
    assert.throws(() => LineBlock.decode(v8.serialize(["a"])), /Not a line block/)
    assert.throws(() => LineBlock.iterate(text("\nabc")), /cut short/)
    assert.isFalse(LineBlock.isLineBlock(v8.serialize(["a"])))
    assert.isFalse(LineBlock.isLineBlock(new Uint8Array(0)))
  })

  it("counts lines", () => {
    assert.strictEqual(LineBlock.countLines(text("")), 0)
    assert.strictEqual(LineBlock.countLines(text("a\n\nb")), 2)
    assert.strictEqual(LineBlock.countLines(new Uint8Array([10, 10, 10]).subarray(1)), 2)
  })

  it.effect("fromChunks makes a view of chunks that follow one another after a newline, and copies others", () =>
    Effect.gen(function*() {
      const read = readBuffer("a\nbb\nccc\n")
      const first = read.bytes(0, 2)
      const rest = read.bytes(2, 9)
      assert.isTrue(LineBlock.follows(first, rest))
      const view = yield* LineBlock.fromChunks([first, rest])
      assert.strictEqual(view.buffer, read.slab.buffer, "no copy")
      assert.strictEqual(view.byteOffset, 0)
      assert.deepStrictEqual(LineBlock.decode(view), ["a", "bb", "ccc"])
      // Starting mid-buffer: the newline before the first chunk is the block's first byte.
      const tail = yield* LineBlock.fromChunks([read.bytes(5, 9)])
      assert.strictEqual(tail.buffer, read.slab.buffer)
      assert.deepStrictEqual(LineBlock.decode(tail), ["ccc"])
      // Out of order, or from separate memory: copied, with the same lines.
      const copied = yield* LineBlock.fromChunks([rest, first])
      assert.notStrictEqual(copied.buffer, read.slab.buffer)
      assert.deepStrictEqual(LineBlock.decode(copied), ["bb", "ccc", "a"])
      assert.deepStrictEqual(LineBlock.decode(yield* LineBlock.fromChunks([text("x\n"), text("y\n")])), ["x", "y"])
      assert.deepStrictEqual(LineBlock.decode(yield* LineBlock.fromChunks([])), [])
    }))

  it.effect("fromChunks refuses a chunk that does not end a line", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(LineBlock.fromChunks([text("a\n"), text("partial")]))
      assert.strictEqual(error._tag, "InvalidArgumentError")
      assert.match(error.message, /chunk 1 does not end with a newline/)
    }))

  it.effect("iterates a block of many segments, with a line longer than a segment, as decode reads it", () =>
    Effect.gen(function*() {
      const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${"é".repeat(i % 7)}`)
      lines.splice(7_000, 0, "x".repeat(200_000))
      const block = yield* LineBlock.fromLines(lines)
      assert.isAbove(block.length, 4 * 65_536)
      assert.deepStrictEqual(viaNext(LineBlock.iterate(block)), lines)
      assert.deepStrictEqual(viaDrain(LineBlock.iterate(block)), lines)
      assert.deepStrictEqual(LineBlock.decode(block), lines)
    }))

  it("any lines, cut into chunks at any line ends, come back in order (property)", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, cuts) => {
        const body = lines.map((l) => `${l}\n`).join("")
        const read = readBuffer(body)
        // Chunk boundaries at line ends picked by `cuts`.
        const ends = [...new Set(cuts.map((c) => lines.length === 0 ? 0 : (c % lines.length) + 1))].sort((a, b) => a - b)
        const offsets = [0, ...ends.map((n) => Buffer.byteLength(lines.slice(0, n).map((l) => `${l}\n`).join(""))), read.length]
        const chunks = offsets.slice(1).map((end, i) => read.bytes(offsets[i]!, end)).filter((c) => c.length > 0)
        const block = Effect.runSync(LineBlock.fromChunks(chunks))
        assert.deepStrictEqual(LineBlock.decode(block), lines)
        assert.deepStrictEqual(viaNext(LineBlock.iterate(block)), lines)
        assert.strictEqual(chunks.reduce((n, c) => n + LineBlock.countLines(c), 0), lines.length)
      })
    )
  })

  it.effect("the block manager keeps a line block as it is at _SER levels, decodes it for object levels, streams it", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const master = new BlockManagerMaster()
      const transfer = new LocalBlockTransferService()
      const [bm, peer] = [0, 1].map((i) => {
        const manager = new BlockManager({
          id: { executorId: `exec-${i}`, host: "localhost", port: i },
          master,
          transfer,
          maxMemory: 1 << 20,
          localDir: path.join(dir, `bm-${i}`)
        })
        transfer.register(manager)
        return manager
      })
      const lines = ["a", "b", "c"]
      const block = yield* LineBlock.fromLines(lines)
      for (const [i, level] of [StorageLevel.MEMORY_ONLY_SER_2, StorageLevel.MEMORY_ONLY, StorageLevel.DISK_ONLY].entries()) {
        const id = BlockId.stream(0, i)
        assert.isTrue(bm!.putBytes(id, block, level))
        assert.deepStrictEqual(bm!.getValues(id), lines, level.name)
        assert.deepStrictEqual(viaNext(bm!.getIterator<string>(id)!), lines, level.name)
        // Read from the peer: fetched when it is not a replica holder, a replica otherwise.
        assert.deepStrictEqual(viaNext(peer!.getIterator<string>(id)!), lines, level.name)
      }
      assert.deepStrictEqual(deserialize(bm!.getLocalBytes(BlockId.stream(0, 0))!), lines)
      assert.isUndefined(bm!.getIterator(BlockId.stream(9, 9)))
    }).pipe(Effect.scoped))

  it.effect("a block served to another executor is copied out of larger memory, never sent with it", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const bm = new BlockManager({
        id: { executorId: "exec-0", host: "localhost", port: 0 },
        master: new BlockManagerMaster(),
        transfer: new LocalBlockTransferService(),
        maxMemory: 1 << 20,
        localDir: path.join(dir, "bm")
      })
      const read = readBuffer("a\nb\n")
      const view = yield* LineBlock.fromChunks([read.bytes(0, 4)])
      assert.isTrue(bm.putBytes(BlockId.stream(0, 0), view, StorageLevel.MEMORY_ONLY_SER))
      const [[name, bytes]] = localBlocks(bm, ["input-0-0"]) as [[string, Uint8Array]]
      assert.strictEqual(name, "input-0-0")
      assert.strictEqual(bytes.byteLength, bytes.buffer.byteLength)
      assert.deepStrictEqual(LineBlock.decode(bytes), ["a", "b"])
    }).pipe(Effect.scoped))
})
