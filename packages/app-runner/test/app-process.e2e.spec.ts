import { afterEach, describe, expect, it } from 'vitest';
import { type RunningApp, startCommand } from '../src/index.js';

/**
 * A process that says where it serves at once, and whose /ready answers 503 `notReadyAnswers`
 * times before 200 (or never 200, and it exits after `exitAfterMs`).
 */
const fakeApp = (notReadyAnswers: number, exitAfterMs?: number) => `
const { createServer } = require('node:http');
let asked = 0;
const server = createServer((request, response) => {
  const ready = request.url === '/ready' && ++asked > ${notReadyAnswers};
  console.log(JSON.stringify({ msg: ready ? 'ready' : 'not ready yet' }));
  response.writeHead(ready ? 200 : 503).end();
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ msg: 'serving', url: 'http://127.0.0.1:' + server.address().port }));
});
${exitAfterMs === undefined ? '' : `setTimeout(() => process.exit(3), ${exitAfterMs});`}
`;

const serving = (line: { msg?: string; url?: string }) => (line.msg === 'serving' ? line.url : undefined);
const started: RunningApp[] = [];

afterEach(async () => {
  await Promise.allSettled(started.splice(0).map((app) => app.kill('SIGKILL')));
});

describe('starting a process with a readiness probe', () => {
  it('resolves once the probe answers 200, not when the process says where it serves', async () => {
    // given a process whose /ready answers 503 three times first
    // when it is started with /ready as its probe
    const app = await startCommand('fake', [process.execPath, '-e', fakeApp(3)], {}, { serving, probe: '/ready' });
    started.push(app);

    // then it was ready only after three refusals, and its URL is where it serves
    expect(app.output.filter((line) => line.includes('not ready yet'))).toHaveLength(3);
    expect(app.output.at(-1)).toContain('"ready"');
    expect((await fetch(`${app.url}/ready`)).status).toBe(200);
  });

  it('fails when the process exits before its probe ever answers 200', async () => {
    // given a process that is never ready and exits after half a second
    const start = startCommand('fake', [process.execPath, '-e', fakeApp(Number.MAX_SAFE_INTEGER, 500)], {}, { serving, probe: '/ready' });

    // then the start fails, naming the exit
    await expect(start).rejects.toThrow(/fake exited \(3\) before it was ready/);
  });

  it('without a probe, the log line alone makes it ready', async () => {
    const app = await startCommand('fake', [process.execPath, '-e', fakeApp(3)], {}, serving);
    started.push(app);

    expect(app.output.filter((line) => line.includes('not ready yet'))).toHaveLength(0);
  });
});
