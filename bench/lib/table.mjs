// Plain-text tables for the terminal: a title, a header row, right-aligned numbers.

/** Prints `rows` (arrays of cells) under `header` with `title` above. */
export function printTable(title, header, rows) {
  const cells = [header, ...rows].map((row) => row.map((cell) => (cell === undefined || cell === null ? '' : String(cell))));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const numeric = header.map((_, i) => rows.every((row) => typeof row[i] === 'number' || row[i] === '' || row[i] === undefined || /^[\d.,x%+-]+( ms| B| us)?$/.test(String(row[i]))));
  const line = (row) => row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  console.log(`\n${title}`);
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells.slice(1)) console.log(line(row));
}

/** `0.934` → `0.93x`. */
export const times = (ratio) => `${ratio.toFixed(2)}x`;
/** `0.034` → `3.4%`. */
export const percent = (fraction) => `${(fraction * 100).toFixed(1)}%`;
