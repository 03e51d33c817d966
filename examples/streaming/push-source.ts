// A push-based consumer (kafkajs's `consumer.run({ eachMessage })`, a WebSocket's `onmessage`, an
// EventEmitter) turned into an async iterable that `scoreStream` can read, without losing backpressure.
//
// The rule: `push(item)` returns a promise that resolves when the consumer is done with the item, that is
// when it asks for the next one (a `for await` loop finished its body). A producer that awaits it (kafkajs
// awaits `eachMessage` before it hands over the partition's next message, and commits the offset after)
// is never more than one item ahead, so a slow consumer slows the producer instead of filling memory, and
// an offset is committed only once its message was processed. If the consumer stops (break, return or a
// throw), the promises of the item it held and of those queued reject, so nothing is committed that was
// not processed. A producer
// that does not await is still safe: items queue in order and none is dropped (memory then grows with the
// backlog, which is the producer's choice).

/** The producer's side and the consumer's side of one channel. */
export interface PushSource<T> extends AsyncIterable<T> {
  /** Queues an item; resolves once the consumer is done with it (rejects if it stopped before). */
  push(item: T): Promise<void>;
  /** No more items: the iteration ends after the queued ones. */
  end(): void;
  /** The iteration throws `error` after the queued items. */
  fail(error: unknown): void;
  /** Items pushed and not yet taken. */
  readonly backlog: number;
}

/** Makes a channel; iterate it once (a second iterator would split the items between them). */
export function pushSource<T>(): PushSource<T> {
  const queue: { item: T; taken: () => void; dropped: (e: Error) => void }[] = [];
  let waiting: (() => void) | undefined;
  let done = false;
  let failure: { error: unknown } | undefined;
  const wake = () => {
    const w = waiting;
    waiting = undefined;
    w?.();
  };
  return {
    push(item) {
      if (done || failure) return Promise.reject(new Error('pushSource: push after end'));
      return new Promise<void>((taken, dropped) => {
        queue.push({ item, taken, dropped });
        wake();
      });
    },
    end() {
      done = true;
      wake();
    },
    fail(error) {
      failure = { error };
      wake();
    },
    get backlog() {
      return queue.length;
    },
    async *[Symbol.asyncIterator]() {
      let current: (typeof queue)[number] | undefined;
      try {
        for (;;) {
          const next = queue.shift();
          if (next) {
            current = next;
            yield next.item;
            // The consumer asked for the next item: it is done with this one.
            current = undefined;
            next.taken();
            continue;
          }
          if (failure) throw failure.error;
          if (done) return;
          await new Promise<void>((resolve) => {
            waiting = resolve;
          });
        }
      } finally {
        // The consumer stopped early (break, return, a throw): tell every waiting producer.
        done = true;
        const stopped = new Error('pushSource: the consumer stopped');
        current?.dropped(stopped);
        for (const left of queue.splice(0)) left.dropped(stopped);
      }
    },
  };
}
