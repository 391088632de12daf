/**
 * Seeded randomness for the bench: the same seed gives the same threads and posts, so two
 * runs load the server with the same work. Texts are random words, so no two comments are
 * near-duplicates (the server refuses a text whose trigrams are >= 85% the same as a recent one).
 */

export type Random = () => number;

/** mulberry32: a small, fast 32-bit generator; good enough to vary test data. */
export function randomSource(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** An integer from `min` to `max`, both included. */
export function between(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

const WORDS = `
about above across after again against almost alone along already also although always among
answer apple april area argue around article autumn away baby back balance bank basic battery
beach bear beautiful because become bedroom before begin behind believe below best better
between bicycle big bird black blue board boat body book border bottle bottom branch bread
break bridge bright bring brother brown budget build burn business butter cable camera candle
capital carbon careful carry castle cause center chair chance change cheap check cheese chicken
child choice circle city class clean clear clever climb clock close cloud coast coffee cold
collect color comment common compare complete computer concert copper corner correct cotton
country course cover crazy cream create credit cross crowd culture curious current custom
damage dance danger dark daughter decide deep default degree delay depend desert design detail
develop differ dinner direct distance doctor double dragon drawer dream dress drink driver
early earth easy edge effect eight either electric eleven empty energy engine enough entire
equal escape evening event exact example expect explain factory family famous farmer father
feature field figure final finger finish flower follow forest forget formal fortune forward
fresh friend front fruit funny future garden gentle giant glass global golden good grain grass
great green ground group guitar habit hammer happy harbor heavy height hello hidden history
holiday honest horse hotel hour house human humor hungry island jacket journey juice jungle
kettle kitchen knife ladder language large laser later laugh lawyer layer leader lemon lesson
letter level library light limit liquid little local lonely lucky lunch machine magnet market
master matter meadow medium memory method middle minute mirror modern moment money monkey month
morning mother motion mountain music narrow nature nearly needle network never night noble
normal north notice number object ocean offer office often olive orange order ordinary origin
other outside owner oxygen paint palace paper parent party pattern peace pencil people pepper
perfect person piano picture pilot planet plastic pocket poetry policy pretty prince problem
public purple puzzle quarter question quick quiet rabbit radio rain random rapid rather reason
record region remote repeat result river rocket rough round rubber ruler safety salad salt
sample sand school science screen season second secret section seven shadow sharp shelf shell
signal silent silver simple sister small smooth snake social soft solid sound south space
special spider spring square stable station steel stone storm story street strong student
sudden sugar summer sunny supper sweet switch symbol system table talent teacher temple tennis
thank theory thick thin thunder ticket tiger timber tired today tomato tonight tooth topic
tower town travel treasure trick truck tunnel twelve uncle under unique upper useful valley
velvet village violin visit voice wagon wallet warm water weather window winter wisdom wonder
wooden worry yellow yesterday young zebra
`
  .trim()
  .split(/\s+/);

function sentence(random: Random, markdown: boolean): string {
  const words = Array.from({ length: between(random, 5, 15) }, () => {
    const word = pick(random, WORDS);
    if (!markdown) return word;
    const roll = random();
    if (roll < 0.03) return `**${word}**`;
    if (roll < 0.05) return `_${word}_`;
    if (roll < 0.06) return `\`${word}\``;
    return word;
  });
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** A comment's Markdown: one to three paragraphs of a few sentences, now and then a link. */
export function commentBody(random: Random): string {
  const paragraphs = Array.from({ length: random() < 0.75 ? 1 : between(random, 2, 3) }, () =>
    Array.from({ length: between(random, 1, 4) }, () => sentence(random, true)).join(' '),
  );
  if (random() < 0.08) {
    paragraphs.push(
      `See [the ${pick(random, WORDS)} notes](https://example.com/${pick(random, WORDS)}).`,
    );
  }
  return paragraphs.join('\n\n');
}

/** A short plain text, for names. */
export function words(random: Random, count: number): string {
  return Array.from({ length: count }, () => pick(random, WORDS)).join(' ');
}
