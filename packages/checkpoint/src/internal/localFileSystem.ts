import * as fs from "node:fs"
import * as fsp from "node:fs/promises"
import * as nodePath from "node:path"
import { Effect, Option } from "effect"
import { DirectoryNotFoundError, DirectoryNotWritableError, FileNotFoundError, FileSystemError } from "../Errors.js"
import type { AppendFile, FileInfo, FileSystem, SyncMode } from "../FileSystem.js"

const codeOf = (cause: unknown): string =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? cause.code
    : "EUNKNOWN"

const detailOf = (cause: unknown): string => cause instanceof Error ? cause.message : String(cause)

const fsError = (operation: string, path: string) => (cause: unknown) =>
  new FileSystemError({ operation, path, code: codeOf(cause), detail: detailOf(cause) })

const fsOrNotFound = (operation: string, path: string) => (cause: unknown) =>
  codeOf(cause) === "ENOENT" ? new FileNotFoundError({ path }) : fsError(operation, path)(cause)

const io = <A>(operation: string, path: string, f: () => Promise<A>): Effect.Effect<A, FileSystemError> =>
  Effect.tryPromise({ try: f, catch: fsError(operation, path) })

const ioOrNotFound = <A>(
  operation: string,
  path: string,
  f: () => Promise<A>
): Effect.Effect<A, FileSystemError | FileNotFoundError> => Effect.tryPromise({ try: f, catch: fsOrNotFound(operation, path) })

/** Writes every chunk at the file position, retrying short writes. */
const writeAll = async (handle: fsp.FileHandle, chunks: ReadonlyArray<Uint8Array>, position: number) => {
  let total = 0
  for (const c of chunks) total += c.length
  let written = 0
  let pending = chunks as ReadonlyArray<Uint8Array>
  while (written < total) {
    const { bytesWritten } = pending.length === 1
      ? await handle.write(pending[0]!, 0, pending[0]!.length, position + written)
      : await handle.writev(pending as Array<Uint8Array>, position + written)
    written += bytesWritten
    if (written < total) pending = dropPrefix(pending, bytesWritten)
  }
}

/** The chunks without their first `n` bytes. */
const dropPrefix = (chunks: ReadonlyArray<Uint8Array>, n: number): Array<Uint8Array> => {
  let skip = n
  const rest: Array<Uint8Array> = []
  for (const c of chunks) {
    if (skip >= c.length) {
      skip -= c.length
    } else {
      rest.push(skip > 0 ? c.subarray(skip) : c)
      skip = 0
    }
  }
  return rest
}

/**
 * An append-only file on a raw descriptor. The callback API of `node:fs` is
 * used (not `FileHandle` promises) because this is the per-record hot path:
 * one libuv request per append and no promise allocations.
 */
const makeAppendFile = (path: string, fd: number, initialSize: number): AppendFile => {
  let size = initialSize
  let closed = false
  const writeChunks = (
    chunks: ReadonlyArray<Uint8Array>,
    length: number,
    cb: (error: NodeJS.ErrnoException | null, written: number) => void
  ): void => {
    if (chunks.length === 1) fs.write(fd, chunks[0]!, 0, length, null, cb)
    else fs.writev(fd, chunks as Array<Uint8Array>, null, cb)
  }
  /** Writes `chunks` (`remaining` bytes) at the end; calls `done` once, when all are written or a write fails. */
  const appendRest = (
    chunks: ReadonlyArray<Uint8Array>,
    remaining: number,
    done: (error: NodeJS.ErrnoException | null) => void
  ): void =>
    // the per-append hot path: one (anonymous) closure per write call
    writeChunks(chunks, remaining, (error, written) => {
      if (error !== null) done(error)
      else if (written === remaining) done(null)
      // short write: continue with what is left (O_APPEND keeps it at the end)
      else appendRest(dropPrefix(chunks, written), remaining - written, done)
    })
  return {
    path,
    size: () => size,
    append: (chunks) =>
      Effect.callback<void, FileSystemError>((resume) => {
        let total = 0
        for (let i = 0; i < chunks.length; i++) total += chunks[i]!.length
        const at = size
        size += total
        appendRest(chunks, total, (error) => {
          if (error === null) return resume(Effect.void)
          size = at
          resume(Effect.fail(fsError("append", path)(error)))
        })
      }),
    sync: (mode: SyncMode) =>
      Effect.callback<void, FileSystemError>((resume) => {
        const cb = (error: NodeJS.ErrnoException | null) => resume(error === null ? Effect.void : Effect.fail(fsError(mode, path)(error)))
        if (mode === "fsync") fs.fsync(fd, cb)
        else fs.fdatasync(fd, cb)
      }),
    close: Effect.suspend(() => {
      if (closed) return Effect.void
      closed = true
      return Effect.callback<void, FileSystemError>((resume) => {
        fs.close(fd, (error) => resume(error === null ? Effect.void : Effect.fail(fsError("close", path)(error))))
      })
    })
  }
}

export const makeLocal = (): FileSystem["Service"] => ({
  join: (...parts) => nodePath.join(...parts),
  stat: (path) =>
    Effect.tryPromise({
      try: () => fsp.stat(path),
      catch: fsOrNotFound("stat", path)
    }).pipe(
      Effect.map((s): Option.Option<FileInfo> => Option.some({ size: s.size, isDirectory: s.isDirectory() })),
      Effect.catchTag("FileNotFoundError", () => Effect.succeed(Option.none<FileInfo>()))
    ),
  makeDirectory: (path) => io("mkdir", path, () => fsp.mkdir(path, { recursive: true }).then(() => undefined)),
  checkWritableDirectory: (path) =>
    Effect.tryPromise({
      try: async () => {
        const s = await fsp.stat(path)
        if (!s.isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" })
        await fsp.access(path, fs.constants.W_OK | fs.constants.X_OK)
      },
      catch: (cause) =>
        codeOf(cause) === "ENOENT"
          ? new DirectoryNotFoundError({ path })
          : new DirectoryNotWritableError({ path, reason: `${codeOf(cause)}: ${detailOf(cause)}` })
    }),
  list: (directory) => ioOrNotFound("readdir", directory, () => fsp.readdir(directory)),
  readFile: (path) =>
    ioOrNotFound("read", path, async () => {
      const b = await fsp.readFile(path)
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    }),
  readRange: (path, offset, length) =>
    ioOrNotFound("read", path, async () => {
      const handle = await fsp.open(path, "r")
      try {
        const out = new Uint8Array(length)
        let got = 0
        while (got < length) {
          const { bytesRead } = await handle.read(out, got, length - got, offset + got)
          if (bytesRead === 0) break
          got += bytesRead
        }
        return got === length ? out : out.subarray(0, got)
      } finally {
        await handle.close()
      }
    }),
  createAppend: (path) =>
    io("create", path, async () => {
      const fd = await new Promise<number>((resolve, reject) =>
        fs.open(
          path,
          fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | fs.constants.O_APPEND,
          0o644,
          (error, fd) => error === null ? resolve(fd) : reject(error)
        )
      )
      return makeAppendFile(path, fd, 0)
    }),
  writeNewFile: (path, chunks, sync) =>
    io("write", path, async () => {
      const handle = await fsp.open(path, "wx")
      try {
        await writeAll(handle, chunks, 0)
        if (sync === "fsync") await handle.sync()
        else if (sync === "fdatasync") await handle.datasync()
      } finally {
        await handle.close()
      }
    }),
  rename: (from, to) => io("rename", from, () => fsp.rename(from, to)),
  remove: (path) =>
    io("unlink", path, () =>
      fsp.unlink(path).catch((e) => {
        if (codeOf(e) !== "ENOENT") throw e
      })),
  syncDirectory: (path) =>
    io("fsync-directory", path, async () => {
      const handle = await fsp.open(path, "r")
      try {
        await handle.sync()
      } finally {
        await handle.close()
      }
    })
})
