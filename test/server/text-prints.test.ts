/**
 * Prints of texts for the duplicate rule (services/posting/text-prints.ts): folded as the
 * rule needs, kept for texts met again, within a budget of characters.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { similarity } from '../../server/services/posting/spam-rules.js';
import { createTextPrints, printOf } from '../../server/services/posting/text-prints.js';

describe('text prints', () => {
  it('fold case, spacing, compatibility forms and format characters, ASCII or not', () => {
    assert.equal(printOf('  Great   POST\n\nthanks ').folded, 'great post thanks');
    assert.equal(printOf('Ｇｒｅａｔ\u00adpost').folded, 'greatpost');
    assert.equal(printOf('Great, post! (thanks)').letters, 'great post thanks');
    assert.equal(printOf('Ça va, très bien…').letters, 'ça va très bien');
  });

  it('count trigrams as sets: repeats once, near texts near, others apart', () => {
    assert.equal(printOf('aaaaaa').grams().length, 1);
    assert.equal(similarity('the quick brown fox', 'the quick brown fox'), 1);
    // 17 trigrams each, 3 differ: 14 shared of 20.
    assert.equal(similarity('the quick brown fox', 'the quick brown cat'), 14 / 20);
    assert.equal(similarity('abc', 'xyz'), 0);
  });

  it('are kept for texts met again, the least recently used dropped past the budget', () => {
    const prints = createTextPrints(10);
    const a = prints.of('aaaa');
    const b = prints.of('bbbb');
    assert.equal(prints.of('aaaa'), a, 'kept');
    // 'cccc' takes the budget past 10: the least recently used ('bbbb') goes.
    prints.of('cccc');
    assert.equal(prints.of('aaaa'), a);
    assert.notEqual(prints.of('bbbb'), b, 'dropped, printed anew');
    // A text longer than the whole budget is printed, never kept.
    const long = 'x'.repeat(11);
    assert.notEqual(prints.of(long), prints.of(long));
  });
});
