import { Closure, StorageLevel } from "@tspark/core"
import { Receiver } from "../../src/receiver/Receiver.js"

/** A shippable receiver: data fields and a function built with withEnv. */
export class ShippableReceiver extends Receiver<string> {
  static readonly module = import.meta.url
  readonly prefix: string
  readonly format: (n: number) => string
  constructor(prefix: string, scale: number) {
    super(StorageLevel.MEMORY_ONLY_2)
    this.prefix = prefix
    this.format = Closure.withEnv({ scale }, ({ scale }) => (n: number) => String(n * scale))
  }
  onStart(): void {}
  onStop(): void {}
}

/** Exported under another name than its class name. */
class Renamed extends Receiver<string> {
  static readonly module = import.meta.url
  static readonly exportName = "RenamedReceiver"
  onStart(): void {}
  onStop(): void {}
}
export { Renamed as RenamedReceiver }

/** Says where it is exported, but that module does not export it. */
export const makeNotExported = (): Receiver<string> =>
  new (class NotExported extends Receiver<string> {
    static readonly module = import.meta.url
    onStart(): void {}
    onStop(): void {}
  })()

/** Does not say where it is exported. */
export class NoModuleReceiver extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

/** Holds a field of any value. */
export class FieldReceiver extends Receiver<string> {
  static readonly module = import.meta.url
  constructor(readonly payload: unknown) {
    super()
  }
  onStart(): void {}
  onStop(): void {}
}

/** Stores `upTo` records as one block on start, then stops itself. */
export class CountingReceiver extends Receiver<number> {
  static readonly module = import.meta.url
  constructor(readonly upTo: number, readonly stopWhenDone: boolean) {
    super(StorageLevel.MEMORY_ONLY)
  }
  onStart(): void {
    void this.storeRecords(Array.from({ length: this.upTo }, (_, i) => i)).then(() => {
      if (this.stopWhenDone) this.stop("counted")
    })
  }
  onStop(): void {}
}
