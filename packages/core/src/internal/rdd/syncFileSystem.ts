// @tspark/checkpoint's FileSystem over node's synchronous calls. Tasks run
// synchronously (a task is one plain loop, not an Effect), so the checkpoint
// files a task writes go through CheckpointFile's atomic protocol run with
// Effect.runSync over this service. Only the primitives live here; the
// protocol (temp file, fsync, rename, directory fsync, temp removed on
// failure) stays in @tspark/checkpoint.
import { Errors, type FileSystem } from "@tspark/checkpoint"
import { Effect, Option } from "effect"
import * as fs from "node:fs"
import * as nodePath from "node:path"

const codeOf = (cause: unknown): string =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? cause.code
    : "EUNKNOWN"

const detailOf = (cause: unknown): string => cause instanceof Error ? cause.message : String(cause)

const io = <A>(operation: string, path: string, f: () => A): Effect.Effect<A, Errors.FileSystemError> =>
  Effect.try({
    try: f,
    catch: (cause) => new Errors.FileSystemError({ operation, path, code: codeOf(cause), detail: detailOf(cause) })
  })

const ioOrNotFound = <A>(
  operation: string,
  path: string,
  f: () => A
): Effect.Effect<A, Errors.FileSystemError | Errors.FileNotFoundError> =>
  Effect.try({
    try: f,
    catch: (cause) =>
      codeOf(cause) === "ENOENT"
        ? new Errors.FileNotFoundError({ path })
        : new Errors.FileSystemError({ operation, path, code: codeOf(cause), detail: detailOf(cause) })
  })

const writeAll = (fd: number, chunks: ReadonlyArray<Uint8Array>, position: number | null): number => {
  let total = 0
  for (const chunk of chunks) {
    let offset = 0
    while (offset < chunk.length) {
      offset += fs.writeSync(fd, chunk, offset, chunk.length - offset, position === null ? null : position + total + offset)
    }
    total += chunk.length
  }
  return total
}

const syncFd = (fd: number, mode: FileSystem.SyncMode | "none") => {
  if (mode === "fsync") fs.fsyncSync(fd)
  else if (mode === "fdatasync") fs.fdatasyncSync(fd)
}

const withFd = <A>(path: string, flags: string | number, f: (fd: number) => A): A => {
  const fd = fs.openSync(path, flags)
  try {
    return f(fd)
  } finally {
    fs.closeSync(fd)
  }
}

const appendFile = (path: string, fd: number): FileSystem.AppendFile => {
  let size = 0
  let closed = false
  return {
    path,
    size: () => size,
    append: (chunks) => io("append", path, () => (size += writeAll(fd, chunks, null))).pipe(Effect.asVoid),
    sync: (mode) => io(mode, path, () => syncFd(fd, mode)),
    close: Effect.suspend(() => {
      if (closed) return Effect.void
      closed = true
      return io("close", path, () => fs.closeSync(fd))
    })
  }
}

export const syncLocalFileSystem: FileSystem.FileSystem["Service"] = {
  join: (...parts) => nodePath.join(...parts),
  stat: (path) =>
    ioOrNotFound("stat", path, () => fs.statSync(path)).pipe(
      Effect.map((s): Option.Option<FileSystem.FileInfo> => Option.some({ size: s.size, isDirectory: s.isDirectory() })),
      Effect.catchTag("FileNotFoundError", () => Effect.succeed(Option.none<FileSystem.FileInfo>()))
    ),
  makeDirectory: (path) => io("mkdir", path, () => void fs.mkdirSync(path, { recursive: true })),
  checkWritableDirectory: (path) =>
    Effect.try({
      try: () => {
        if (!fs.statSync(path).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" })
        fs.accessSync(path, fs.constants.W_OK | fs.constants.X_OK)
      },
      catch: (cause) =>
        codeOf(cause) === "ENOENT"
          ? new Errors.DirectoryNotFoundError({ path })
          : new Errors.DirectoryNotWritableError({ path, reason: `${codeOf(cause)}: ${detailOf(cause)}` })
    }),
  list: (directory) => ioOrNotFound("readdir", directory, () => fs.readdirSync(directory)),
  readFile: (path) =>
    ioOrNotFound("read", path, () => {
      const b = fs.readFileSync(path)
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    }),
  readRange: (path, offset, length) =>
    ioOrNotFound("read", path, () =>
      withFd(path, "r", (fd) => {
        const out = new Uint8Array(length)
        let got = 0
        while (got < length) {
          const read = fs.readSync(fd, out, got, length - got, offset + got)
          if (read === 0) break
          got += read
        }
        return got === length ? out : out.subarray(0, got)
      })),
  createAppend: (path) => io("create", path, () => appendFile(path, fs.openSync(path, "ax"))),
  writeNewFile: (path, chunks, sync) =>
    io("write", path, () =>
      withFd(path, "wx", (fd) => {
        writeAll(fd, chunks, 0)
        syncFd(fd, sync)
      })),
  rename: (from, to) => io("rename", from, () => fs.renameSync(from, to)),
  remove: (path) =>
    io("unlink", path, () => {
      try {
        fs.unlinkSync(path)
      } catch (e) {
        if (codeOf(e) !== "ENOENT") throw e
      }
    }),
  syncDirectory: (path) => io("fsync-directory", path, () => withFd(path, "r", (fd) => fs.fsyncSync(fd)))
}
