/** One measured operation of `npm run bench` (bench/ops.ts lists them). */
export interface BenchOp {
  name: string;
  iterations: number;
  /** unmeasured set-up before each run */
  prepare?: () => void;
  run: () => unknown;
}
