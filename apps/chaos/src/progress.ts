/** One status line: rewritten in place on a terminal, printed every few seconds otherwise (CI logs). */
export class Progress {
  private lastPrinted = 0;
  private readonly tty = process.stderr.isTTY === true;

  update(line: string): void {
    if (this.tty) {
      process.stderr.write(`\r\x1b[2K${line}`);
      return;
    }
    if (Date.now() - this.lastPrinted < 5_000) return;
    this.lastPrinted = Date.now();
    process.stderr.write(`${line}\n`);
  }

  /** A line that stays (a fault, a phase), the status line redrawn after it. */
  note(line: string): void {
    process.stderr.write(this.tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }

  done(): void {
    if (this.tty) process.stderr.write('\r\x1b[2K');
  }
}
