/**
 * @module strings-live
 * The texts of live updates (`state/live.ts`), which load with its chunk. A locale replaces
 * them with the others (`strings.ts`, `strings-later.ts`).
 */

const comments = (n: number) => (n === 1 ? '1 new comment' : `${n} new comments`);

export const live = {
  /** The button that shows the new comments held back. */
  show: (n: number) => `${comments(n)} — show`,
  /** Said politely when new comments arrive. */
  arrived: (n: number) => `${comments(n)}.`,
  /** Said once they are shown (the first one gets the focus). */
  shown: (n: number) => `Showing ${comments(n)}.`,
};
