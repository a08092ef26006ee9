/**
 * What the benchmarks and the soak print and record alike: numbers formatted for tables, and the machine they ran on.
 */
import { cpus, totalmem } from 'node:os';

/** A number with thousands separators and `digits` decimals; "–" for anything not finite. */
export function fmt(value: number | undefined, digits = 0): string {
  return value !== undefined && Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '–';
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

/** The machine a measurement ran on: figures from different machines are not comparable. */
export function machine(): Machine {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}
