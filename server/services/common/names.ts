/**
 * @module services/common/names
 * Impersonation: a guest may not take the name of the site's owners and moderators, nor a
 * look-alike of it ("Аdmin" with a Cyrillic А, "Adm1n", "A d m i n", "Admín"). The
 * skeleton folds compatibility forms, accents, case, common Cyrillic/Greek look-alikes and
 * digit-for-letter swaps, and drops everything that is not a letter or digit.
 */
import type { Db } from '../../store/dialect.js';
import { findUsersWithoutNameKey, setUserNameKey } from '../../store/users.js';

const LOOKALIKES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  һ: 'h',
  ӏ: 'l',
  ԛ: 'q',
  ԝ: 'w',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  μ: 'm',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  γ: 'y',
  ɡ: 'g',
  ı: 'i',
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ß: 'ss',
  օ: 'o',
  ս: 'u',
  ո: 'n',
  հ: 'h',
  ց: 'g',
  ɑ: 'a',
  ɩ: 'i',
  ʏ: 'y',
  ꮇ: 'm',
  ꭺ: 'a',
  ꮪ: 's',
  '0': 'o',
  '1': 'l',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '|': 'l',
  '!': 'i',
};

export function skeleton(name: string): string {
  const folded = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  let out = '';
  for (const ch of folded) out += LOOKALIKES[ch] ?? ch;
  return out
    .replace(/[^\p{L}\p{N}]/gu, '')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w')
    .replace(/i/g, 'l');
}

/** Is `name` one of `reserved`, or a look-alike of one? */
export function impersonates(name: string, reserved: readonly string[]): boolean {
  const mine = skeleton(name);
  return mine !== '' && reserved.some((r) => skeleton(r) === mine);
}

/**
 * Folds the names of accounts made before names were folded (once, at start-up), so the
 * look-alike check sees every account.
 */
export async function foldAccountNames(db: Db): Promise<void> {
  for (;;) {
    const users = await findUsersWithoutNameKey(db, 500);
    if (users.length === 0) return;
    for (const user of users) await setUserNameKey(db, user.id, skeleton(user.name));
  }
}
