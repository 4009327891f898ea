// The CDC baseline as other harnesses run it (the fault-injection runs start it too).
export { type CdcRelaySpec, cdcServerScript, deployCdcRelay, publishedCount, startCdcServer } from './baseline.js';
export { type CdcTables, cdcTables, cdcTablesEnv } from './tables.js';
