/**
 * @module services/events/hub
 * Wakes this process's consumers of the events log (live streams, notifications,
 * webhooks, caches) after a transaction that wrote events commits. It carries only the
 * newest id: consumers read what they missed from the log itself with their own cursor,
 * so a wake-up that is lost, late or merged with another loses nothing. Types only for
 * `Deps`; one hub per server process, built in bootstrap (no module state).
 */

/** Called with the id of the last event a commit wrote. */
export type EventListener = (lastId: number) => void;

export interface EventHub {
  /** Listens for commits that wrote events; returns the function that stops listening. */
  subscribe(listener: EventListener): () => void;
  /** Says that events up to `lastId` are committed (the event writer calls it). */
  published(lastId: number): void;
  /** The highest id announced in this process so far (0 before any). */
  readonly lastId: number;
}

/**
 * A hub. A listener that throws is reported to `onError` and stays subscribed; the others
 * still run.
 */
export function createEventHub(onError: (error: unknown) => void): EventHub {
  const listeners = new Set<EventListener>();
  let lastId = 0;
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    published(id) {
      if (id <= lastId) return;
      lastId = id;
      for (const listener of [...listeners]) {
        try {
          listener(id);
        } catch (error) {
          onError(error);
        }
      }
    },
    get lastId() {
      return lastId;
    },
  };
}
