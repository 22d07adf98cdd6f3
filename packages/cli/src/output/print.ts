import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Human output by default, one JSON document with `--json`; colour only on a terminal. */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly err: NodeJS.WriteStream = process.stderr,
  ) {}

  get colour(): boolean {
    return Boolean(this.out.isTTY) && !process.env.NO_COLOR;
  }

  paint(style: Style, text: string): string {
    return this.colour ? styleText(style, text) : text;
  }

  /** The command's result: `value` as JSON, or the human lines. */
  result(value: unknown, human: () => string | string[]): void {
    if (this.json) {
      this.out.write(`${JSON.stringify(value, null, 2)}\n`);
      return;
    }
    const text = human();
    this.out.write(`${Array.isArray(text) ? text.join('\n') : text}\n`);
  }

  /** One line of a stream (tail, listen): a JSON line with `--json`. */
  line(value: unknown, human: string): void {
    this.out.write(`${this.json ? JSON.stringify(value) : human}\n`);
  }

  /** Notes for the person (never on stdout, so `--json` output stays parseable). */
  note(text: string): void {
    this.err.write(`${text}\n`);
  }
}

/** Columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)];
}

export function statusStyle(status: string | number | null): Style {
  if (typeof status === 'number') return status >= 200 && status < 300 ? 'green' : 'red';
  if (status === 'succeeded') return 'green';
  if (status === 'dead' || status === 'failed') return 'red';
  if (status === 'held') return 'yellow';
  return 'cyan';
}
