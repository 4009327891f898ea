// Exact reads live in @ouro/messaging (the reconciler and the dead-letter tool use them too).
export { hasCaughtUp, type ReadRecord, readToEnd, waitForGroupToCatchUp } from '@ouro/messaging';
