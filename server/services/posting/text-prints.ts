/**
 * @module services/posting/text-prints
 * What the duplicate rule compares of a text: the text folded (case, spacing, compatibility
 * forms aside), its letters and digits, and their character trigrams. Every post is
 * compared with up to seventy recent comments of its author and its thread, and the next
 * post with nearly the same seventy, so the prints of texts already seen are kept, up to a
 * budget of characters, the least recently used dropped first.
 */

/** Plain ASCII: nothing for NFKC to change, no format characters, letters are a-z. */
const isAscii = (text: string): boolean => /^[\0-\x7f]*$/.test(text);

/** Case, runs of spacing, compatibility forms and invisible format characters aside. */
export const fold = (text: string): string =>
  isAscii(text)
    ? text.toLowerCase().replace(/\s+/g, ' ')
    : text
        .normalize('NFKC')
        .replace(/\p{Cf}/gu, '')
        .toLowerCase()
        .replace(/\s+/g, ' ');

/** Folded text reduced to what makes it the same comment: letters and digits. */
function essenceOfFolded(folded: string): string {
  return (
    isAscii(folded) ? folded.replace(/[^a-z0-9]+/g, ' ') : folded.replace(/[^\p{L}\p{N}]+/gu, ' ')
  ).trim();
}

/**
 * A text's distinct character trigrams, sorted, each as one number (three UTF-16 units of
 * 16 bits fit in a double exactly): no substring and no set entry per trigram.
 */
export function trigrams(text: string): Float64Array {
  const grams = new Float64Array(Math.max(0, text.length - 2));
  for (let i = 0; i < grams.length; i++) {
    grams[i] =
      text.charCodeAt(i) * 0x1_0000_0000 +
      text.charCodeAt(i + 1) * 0x1_0000 +
      text.charCodeAt(i + 2);
  }
  grams.sort();
  let distinct = 0;
  for (const gram of grams) {
    if (distinct === 0 || grams[distinct - 1] !== gram) grams[distinct++] = gram;
  }
  return grams.subarray(0, distinct);
}

export interface TextPrint {
  /** The text folded and trimmed. */
  readonly folded: string;
  /** Its letters and digits, single-spaced. */
  readonly letters: string;
  /** The trigrams of `letters` (worked out on first use). */
  grams(): Float64Array;
}

export function printOf(text: string): TextPrint {
  const folded = fold(text).trim();
  const letters = essenceOfFolded(folded);
  let grams: Float64Array | undefined;
  return {
    folded,
    letters,
    grams: () => (grams ??= trigrams(letters)),
  };
}

export interface TextPrints {
  /** The print of `text`, kept from an earlier call when there was one. */
  of(text: string): TextPrint;
}

/** Prints of up to `budget` characters of text (about ten bytes each with their trigrams). */
export function createTextPrints(budget = 500_000): TextPrints {
  const kept = new Map<string, TextPrint>();
  let size = 0;
  return {
    of(text) {
      const known = kept.get(text);
      if (known !== undefined) {
        // Used again: to the back of the line.
        kept.delete(text);
        kept.set(text, known);
        return known;
      }
      const print = printOf(text);
      if (text.length > budget) return print;
      kept.set(text, print);
      size += text.length;
      for (const [oldest] of kept) {
        if (size <= budget) break;
        kept.delete(oldest);
        size -= oldest.length;
      }
      return print;
    },
  };
}
