/**
 * A serialized block of text lines in the form they arrive in: a `\n`, then
 * the lines' UTF-8 bytes, each line ended by `\n`. A receiver of a line
 * protocol (`socketTextStream`) stores the bytes it read as they are, and
 * only a task that reads the block turns them into strings, in one pass:
 * nothing is decoded, re-encoded or kept as millions of small strings while
 * the block waits for its batch.
 *
 * The block manager tells the two serialized forms apart by their first
 * byte: a line block starts with `\n`, V8's structured-clone form (every
 * other block) with `0xff`. The leading `\n` lets a block be a view of the
 * bytes a receiver read: the newline that ended the line before it is its
 * first byte. A `\r` just before a `\n` is not part of the line (`\r\n`
 * endings, as `socketTextStream` reads them). The number of lines travels
 * beside the block (the receiver counted them), not in it.
 *
 * Mirrors what Spark's `SerializerManager` does when it picks a serializer
 * by the block's record type: here, strings read as lines.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { isAscii } from "node:buffer"
import { InvalidArgumentError } from "../SparkError.js"

const NEWLINE = 0x0a
const CARRIAGE_RETURN = 13
const MARKER = Buffer.from([NEWLINE])

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/**
 * The number of lines in `bytes`: how many `\n` it holds.
 *
 * **Example**
 * ```ts
 * LineBlock.countLines(Buffer.from("a\nb\n")) // 2
 * ```
 *
 * @category utils
 * @since 0.1.0
 */
export const countLines = (bytes: Uint8Array): number => {
  const buffer = asBuffer(bytes)
  let count = 0
  // Buffer.indexOf is a native memchr: the fastest count Node offers (a byte loop in JS is 3x slower).
  for (let at = buffer.indexOf(NEWLINE); at >= 0; at = buffer.indexOf(NEWLINE, at + 1)) count++
  return count
}

/**
 * Whether `bytes` is a line block (rather than V8's serialized form).
 *
 * **Example**
 * ```ts
 * LineBlock.isLineBlock(v8.serialize(["a"])) // false
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isLineBlock = (bytes: Uint8Array): boolean => bytes.byteLength > 0 && bytes[0] === NEWLINE

const checkBlock = (block: Uint8Array): Buffer => {
  if (!isLineBlock(block)) throw new Error("Not a line block: it does not start with a newline")
  if (block[block.byteLength - 1] !== NEWLINE) {
    throw new Error("Corrupt line block: its last line has no newline (the block was cut short?)")
  }
  return asBuffer(block)
}

/**
 * Whether `next` lies right after `previous` in the same memory: chunks that
 * do, one after another, make a line block without a copy.
 *
 * **Example**
 * ```ts
 * const read = Buffer.from("a\nb\n")
 * LineBlock.follows(read.subarray(0, 2), read.subarray(2)) // true
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const follows = (previous: Uint8Array, next: Uint8Array): boolean =>
  next.buffer === previous.buffer && next.byteOffset === previous.byteOffset + previous.byteLength

/**
 * A line block of chunks of whole lines (each chunk's last byte is `\n`), in
 * order. When the chunks lie one after another in the same memory, right
 * after a `\n` (a receiver's read buffer), the block is a view of that
 * memory and nothing is copied; otherwise they are copied once, into the
 * block.
 *
 * Fails with `InvalidArgumentError` when a chunk does not end a line.
 *
 * **Example**
 * ```ts
 * const block = yield* LineBlock.fromChunks([Buffer.from("a\nb\n")])
 * LineBlock.decode(block) // ["a", "b"]
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromChunks = (chunks: ReadonlyArray<Uint8Array>): Effect.Effect<Buffer, InvalidArgumentError> =>
  Effect.suspend(() => {
    let contiguous = chunks.length > 0
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i]!
      if (chunk.byteLength > 0 && chunk[chunk.byteLength - 1] !== NEWLINE) {
        return Effect.fail(
          new InvalidArgumentError({
            method: "LineBlock.fromChunks",
            message: `chunk ${i} does not end with a newline; pass whole lines and keep a partial line for the next block`
          })
        )
      }
      const previous = chunks[i - 1]
      if (previous !== undefined) contiguous &&= follows(previous, chunk)
    }
    const first = chunks[0]
    if (contiguous && first !== undefined && first.byteOffset > 0) {
      // The byte before the first chunk, in the same memory: the newline that ended the line before.
      const before = new Uint8Array(first.buffer, first.byteOffset - 1, 1)[0]
      if (before === NEWLINE) {
        const last = chunks[chunks.length - 1]!
        return Effect.succeed(Buffer.from(first.buffer, first.byteOffset - 1, last.byteOffset + last.byteLength - first.byteOffset + 1))
      }
    }
    return Effect.succeed(Buffer.concat([MARKER, ...chunks]))
  })

/**
 * A line block of strings, each encoded as UTF-8. Fails with
 * `InvalidArgumentError` naming the first string that holds a `\n` or ends
 * with `\r` (it would not come back as one and the same line).
 *
 * **Example**
 * ```ts
 * const block = yield* LineBlock.fromLines(["a", "b"])
 * LineBlock.decode(block) // ["a", "b"]
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromLines = (lines: ReadonlyArray<string>): Effect.Effect<Buffer, InvalidArgumentError> =>
  Effect.suspend(() => {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      if (line.includes("\n") || line.endsWith("\r")) {
        return Effect.fail(
          new InvalidArgumentError({
            method: "LineBlock.fromLines",
            message: `line ${i} ${line.includes("\n") ? "holds a newline" : "ends with \\r"}; ` +
              `a line block holds lines without their line ending`
          })
        )
      }
    }
    return Effect.succeed(Buffer.from(lines.length === 0 ? "\n" : `\n${lines.join("\n")}\n`, "utf8"))
  })

/**
 * The lines in `bytes`, UTF-8 text of whole lines (each ended by `\n`, a
 * `\r` before it dropped), as strings: a chunk of a line block's body, from
 * byte `from`. Text after the last `\n` is not a line and is left out.
 *
 * **Example**
 * ```ts
 * LineBlock.splitLines(Buffer.from("a\r\nb\n")) // ["a", "b"]
 * ```
 *
 * @category destructors
 * @since 0.1.0
 */
export const splitLines = (bytes: Uint8Array, from = 0): Array<string> => {
  const buffer = asBuffer(bytes)
  const body = from === 0 ? buffer : buffer.subarray(from)
  // One decode and one native split make every line a slice of one string: the fastest way to strings in V8.
  // ASCII text (checked with simdutf) decodes as Latin-1, a plain copy, at a third of UTF-8's cost.
  const text = body.toString(isAscii(body) ? "latin1" : "utf8")
  const lines = text.split("\n")
  lines.pop()
  if (text.includes("\r")) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      if (line.charCodeAt(line.length - 1) === CARRIAGE_RETURN) lines[i] = line.slice(0, -1)
    }
  }
  return lines
}

/**
 * The lines of a line block, as strings (invalid UTF-8 becomes U+FFFD, as
 * in every UTF-8 decoding in Node). Throws when `block` is not a line block
 * or is cut short (its last line has no newline): a damaged block is an
 * error, never a silently different batch.
 *
 * **Example**
 * ```ts
 * LineBlock.decode(yield* LineBlock.fromLines(["a", "b"])) // ["a", "b"]
 * ```
 *
 * @category destructors
 * @since 0.1.0
 */
export const decode = (block: Uint8Array): Array<string> => splitLines(checkBlock(block), 1)

/** How much of a block an iterator decodes at a time: small enough for V8's young generation. */
const SEGMENT_BYTES = 64 << 10

// Lines a segment (about 64 KiB of whole lines) at a time, so that a task streaming a block of millions of
// lines never holds them all: each segment's strings die young. Drainable (see internal/rdd/iterators.ts).
class LineIterator implements Iterator<string> {
  private lines: Array<string> = []
  private index = 0
  private offset = 1

  constructor(private readonly block: Buffer) {}

  private nextSegment(): boolean {
    const { block, offset } = this
    if (offset >= block.length) return false
    let end = offset + SEGMENT_BYTES >= block.length ? block.length : block.lastIndexOf(NEWLINE, offset + SEGMENT_BYTES - 1) + 1
    // A line longer than a segment: the segment runs to its end.
    if (end <= offset) end = block.indexOf(NEWLINE, offset + SEGMENT_BYTES) + 1
    this.lines = splitLines(block.subarray(offset, end))
    this.index = 0
    this.offset = end
    return true
  }

  next(): IteratorResult<string> {
    while (this.index >= this.lines.length) {
      if (!this.nextSegment()) return { done: true, value: undefined }
    }
    return { done: false, value: this.lines[this.index++]! }
  }

  drain(sink: (line: string) => void): void {
    do {
      const lines = this.lines
      for (let i = this.index; i < lines.length; i++) sink(lines[i]!)
      this.index = lines.length
    } while (this.nextSegment())
  }
}

/**
 * The lines of a line block, one at a time: what a task reading the block
 * streams, decoding about 64 KiB at a time, so that it never holds the whole
 * block as strings. Throws, as `decode`, on a block that is not a line block
 * or is cut short.
 *
 * **Example**
 * ```ts
 * let n = 0
 * for (const it = LineBlock.iterate(block); !it.next().done;) n++
 * ```
 *
 * @category destructors
 * @since 0.1.0
 */
export const iterate = (block: Uint8Array): Iterator<string> => new LineIterator(checkBlock(block))
