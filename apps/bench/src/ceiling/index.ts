export { benchProcessGroups } from './bench-processes.js';
export { type Ceiling, measureCeiling } from './ceiling.js';
export { CpuMeter, type PhaseCpu, processes } from './cpu.js';
export { type CeilingFraction, ceilingFractions } from './fractions.js';
