/** Quoting by PostgreSQL's rules, for the statements the provider sends as simple queries (which take no parameters). */

/** Quotes an identifier by PostgreSQL's rules: double quotes, embedded quotes doubled. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains a NUL character');
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal by PostgreSQL's rules (E'' form when it holds a backslash, as libpq's PQescapeLiteral). */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('literal contains a NUL character');
  const body = value.replace(/'/g, "''");
  return value.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

/** `ARRAY['a','b']::text[]`, quoted as literals. */
export function textArray(values: readonly string[]): string {
  return `ARRAY[${values.map(quoteLiteral).join(', ')}]::text[]`;
}

/**
 * `body` as a dollar-quoted string (`$cnpg$...$cnpg$`), with a tag that does not occur in it: the body of a
 * `DO` block that embeds quoted literals, whatever they hold (PostgreSQL, "Dollar-Quoted String Constants").
 * @internal
 */
export function dollarQuote(body: string): string {
  let tag = '$cnpg$';
  for (let i = 1; body.includes(tag.slice(0, -1)); i++) tag = `$cnpg${i}$`;
  return `${tag}${body}${tag}`;
}
