import { FileSystemError, LogClosedError } from "../Errors.js"
import type { AppendFile } from "../FileSystem.js"
import type * as WAL from "../WriteAheadLog.js"

/** The file appends go to; it takes the times in [start, end). */
export interface Active {
  readonly file: AppendFile
  readonly start: number
  readonly end: number
}

/** A completed append: its records' handles and its sequence number. */
export interface Appended {
  readonly handles: ReadonlyArray<WAL.RecordHandle>
  readonly seq: number
}

/**
 * The state that one log's appender, syncer and file rolling share. Plain
 * fields, not Refs: each change happens in one synchronous step (under the
 * log's lock, or when a sync ends), and the append path reads them per write.
 */
export class LogState {
  active: Active | undefined = undefined
  closed = false
  /** Sequence number of the last append, and of the last append known durable. */
  appended = 0
  durable = 0
  /** A sync or an append failed on the active file: its pages may be lost, so never append to it again. */
  broken = false
  /** The sync failure that broke the active file, if a sync broke it. */
  brokenBy: FileSystemError | undefined = undefined
  /**
   * Sequence number of the newest segment (-1 before the first), and its chain
   * value and digest after its last written frame (undefined before the first).
   */
  segmentSeq = -1
  chain: number | undefined = undefined
  digest = 0
  readonly closedError: LogClosedError

  constructor(readonly directory: string) {
    this.closedError = new LogClosedError({ path: directory })
  }

  /**
   * The error of an append that completes on a file broken while it was in
   * flight (a sync of that file failed meanwhile): it is not acknowledged, as
   * a later sync of that file could report success for pages the kernel
   * already dropped.
   */
  brokenInFlight(path: string): FileSystemError {
    return this.brokenBy ?? new FileSystemError({
      operation: "append",
      path,
      code: "EIO",
      detail: "a sync of the file failed while this append was in flight"
    })
  }
}
