const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

export const green = paint(32);
export const red = paint(31);
export const yellow = paint(33);
export const dim = paint(2);
export const bold = paint(1);

/** One line of progress for one service: `▸ kafka     downloading …`. */
export function say(symbol: string, service: string, text: string): void {
  process.stdout.write(`${symbol} ${bold(service.padEnd(9))} ${text}\n`);
}
