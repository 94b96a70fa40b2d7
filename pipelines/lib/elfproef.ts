/**
 * The BSN 11-proef (reference/ijw-3.2/codelists-md/elfproef_BSN.md): nine digits d1..d9 pass when
 * 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is divisible by 11 and the number is not 000000000.
 * The same rule runs in SQL for bulk validation: see `elfproefSql`.
 */
export function isValidBsn(value: string): boolean {
  if (!/^[0-9]{9}$/.test(value)) return false;
  if (value === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (value.charCodeAt(i) - 48);
  sum -= value.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

/** SQL boolean expression for the 11-proef on a VARCHAR expression `col`. */
export function elfproefSql(col: string): string {
  const terms = [9, 8, 7, 6, 5, 4, 3, 2]
    .map((w, i) => `${w} * try_cast(substr(${col}, ${i + 1}, 1) as integer)`)
    .join(' + ');
  // try_cast, because SQL does not promise to stop at the first false term of an `and`.
  return `coalesce(regexp_full_match(${col}, '[0-9]{9}') and ${col} <> '000000000' and (${terms} - try_cast(substr(${col}, 9, 1) as integer)) % 11 = 0, false)`;
}
