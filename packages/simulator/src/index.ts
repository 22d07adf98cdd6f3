export { DEFAULTS, parseOptions, type RunOptions, type SimulationOptions } from './options.ts';
export { type RunReport, runSimulation } from './run.ts';
export { type SimEvent, Simulation, streamHash } from './story.ts';
export { renderSummary, Tally } from './summary.ts';
