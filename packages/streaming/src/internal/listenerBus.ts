/** The part of a listener bus that schedulers post to. */
export interface ListenerBusLike<E> {
  readonly post: (event: E) => void
}
