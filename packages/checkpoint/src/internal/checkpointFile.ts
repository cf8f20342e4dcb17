/**
 * Checksummed, versioned file frame (format version 1):
 *
 * ```
 * 0  u8[4] magic "TCKP"
 * 4  u8    format version (1)
 * 5  u8    flags (0)
 * 6  u16   reserved (0)
 * 8  u32   data length, low 32 bits
 * 12 u32   data length, high bits
 * 16 u32   CRC-32 of the data
 * 20 u32   CRC-32 of bytes 0..20   (bytes 0..24 keep this layout in every version)
 * 24 data
 * ```
 */
import { Effect, Option } from "effect"
import { CorruptDataError, type InvalidArgumentError, UnsupportedFormatVersionError } from "../Errors.js"
import { checkBytes, checkFileName } from "./arguments.js"
import { FileSystem } from "../FileSystem.js"
import { crc32 } from "./crc32.js"

export const VERSION = 1
export const HEADER_BYTES = 24
const MAGIC = [0x54, 0x43, 0x4b, 0x50] as const

export const encode = (data: Uint8Array): ReadonlyArray<Uint8Array> => {
  const head = new Uint8Array(HEADER_BYTES)
  const view = new DataView(head.buffer)
  head.set(MAGIC, 0)
  head[4] = VERSION
  view.setUint32(8, data.length >>> 0, true)
  view.setUint32(12, Math.floor(data.length / 2 ** 32), true)
  view.setUint32(16, crc32(data), true)
  view.setUint32(20, crc32(head, 0, 20), true)
  return [head, data]
}

export const decode = (path: string, bytes: Uint8Array): Effect.Effect<Uint8Array, CorruptDataError | UnsupportedFormatVersionError> =>
  Effect.suspend((): Effect.Effect<Uint8Array, CorruptDataError | UnsupportedFormatVersionError> => {
    const corrupt = (reason: string) => Effect.fail(new CorruptDataError({ path, offset: 0, reason }))
    if (bytes.length < HEADER_BYTES) return corrupt(`file is ${bytes.length} bytes, shorter than its ${HEADER_BYTES}-byte header`)
    for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i]) return corrupt("not a checksummed file (bad magic)")
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    if (view.getUint32(20, true) !== crc32(bytes, 0, 20)) return corrupt("header checksum mismatch")
    const version = bytes[4]!
    if (version > VERSION) {
      return Effect.fail(new UnsupportedFormatVersionError({ path, offset: 0, version, supported: VERSION }))
    }
    const length = view.getUint32(8, true) + view.getUint32(12, true) * 2 ** 32
    if (HEADER_BYTES + length > bytes.length) {
      return corrupt(`truncated: header says ${length} data bytes, file has ${bytes.length - HEADER_BYTES}`)
    }
    if (HEADER_BYTES + length < bytes.length) {
      return corrupt(`${bytes.length - HEADER_BYTES - length} unexpected bytes after the data`)
    }
    const data = bytes.subarray(HEADER_BYTES)
    if (view.getUint32(16, true) !== crc32(data)) return corrupt("data checksum mismatch")
    return Effect.succeed(data)
  })

let tempCounter = 0

/** Writes `directory/name` atomically: temp file, fsync, rename, fsync of the directory. */
export const writeAtomic = Effect.fnUntraced(function*(directory: string, name: string, data: Uint8Array) {
  const invalid: InvalidArgumentError | undefined = checkFileName("CheckpointFile.writeAtomic", "name", name) ??
    checkBytes("CheckpointFile.writeAtomic", "data", data)
  if (invalid !== undefined) return yield* invalid
  const fs = yield* FileSystem
  const target = fs.join(directory, name)
  const temp = fs.join(directory, `.${name}.${process.pid}.${tempCounter++}.tmp`)
  yield* fs.writeNewFile(temp, encode(data), "fsync").pipe(
    Effect.andThen(fs.rename(temp, target)),
    Effect.tapError(() => Effect.ignore(fs.remove(temp)))
  )
  yield* fs.syncDirectory(directory)
  return target
})

export const read = Effect.fnUntraced(function*(path: string) {
  const fs = yield* FileSystem
  const bytes = yield* fs.readFile(path)
  return yield* decode(path, bytes)
})

export const exists = Effect.fnUntraced(function*(path: string) {
  const fs = yield* FileSystem
  return Option.isSome(yield* fs.stat(path))
})
