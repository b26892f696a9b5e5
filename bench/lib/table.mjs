// Tables: plain text for the terminal, Markdown for the generated results fragment.

const text = (cell) => (cell === undefined || cell === null ? '' : String(cell));
/** A column is numeric when every cell is a number or looks like one (figures, ratios, units). */
const numericColumns = (header, rows) =>
  header.map((_, i) => rows.every((row) => typeof row[i] === 'number' || text(row[i]) === '' || /^[\d.,x%+-]+( ms| B| us)?$/.test(text(row[i]))));

/** Prints `rows` (arrays of cells) under `header` with `title` above. */
export function printTable(title, header, rows) {
  const cells = [header, ...rows].map((row) => row.map(text));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const numeric = numericColumns(header, rows);
  const line = (row) => row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  console.log(`\n${title}`);
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells.slice(1)) console.log(line(row));
}

/** The same table as GitHub Markdown: the title as a paragraph, numeric columns right-aligned. */
export function markdownTable(title, header, rows) {
  const escape = (cell) => text(cell).replaceAll('|', '\\|').replaceAll('\n', ' ');
  const numeric = numericColumns(header, rows);
  return [
    title.replaceAll('\n', ' '),
    '',
    `| ${header.map(escape).join(' | ')} |`,
    `| ${header.map((_, i) => (numeric[i] ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

/** `0.934` → `0.93x`. */
export const times = (ratio) => `${ratio.toFixed(2)}x`;
/** `0.034` → `3.4%`. */
export const percent = (fraction) => `${(fraction * 100).toFixed(1)}%`;
/** `1.5` → `1.5 ms`. */
export const ms = (x) => `${x} ms`;
/** A table as the sections return it: { title, header, rows }. */
export const table = (title, header, rows) => ({ title, header, rows });
