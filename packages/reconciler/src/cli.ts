// `npm run verify`: the only module of the reconciler that reads the environment or exits.
import { loadConnections, loadTopicConfig } from '@ouro/config';
import { loadStackConfig, readCommittedWithJava } from '@ouro/infra';
import { readAcceptedFile } from './accepted-file.js';
import { parseVerifyArgs, UsageError, usage } from './cli-args.js';
import { formatReport } from './format.js';
import { reconcile } from './reconcile.js';

function finish(text: string, code: number, stream: NodeJS.WriteStream = process.stdout): void {
  // Exit once the text is out: a large JSON report into a pipe is written asynchronously.
  stream.write(`${text}\n`, () => process.exit(code));
}

try {
  const args = parseVerifyArgs(process.argv.slice(2));
  if (!args) {
    finish(usage, 0);
  } else {
    const connections = loadConnections();
    const report = await reconcile({
      connections,
      topics: loadTopicConfig(),
      accepted: args.acceptedFile === undefined ? undefined : readAcceptedFile(args.acceptedFile),
      cacheKeyPrefix: args.cacheKeyPrefix,
      convergenceMs: args.convergenceMs,
      audit: args.audit
        ? { reader: 'the Java client', read: (topic) => readCommittedWithJava(loadStackConfig(), connections.kafkaBrokers, topic) }
        : undefined,
    });
    finish(args.json ? JSON.stringify(report, null, 2) : formatReport(report), report.ok ? 0 : 1);
  }
} catch (error) {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  finish(error instanceof UsageError ? `${message}\n\n${usage}` : `verify could not check the deployment: ${message}`, 2, process.stderr);
}
