// The OTLP JSON files the OpenTelemetry Python SDK wrote (test/interop/telemetry/generateOtlp.py) and what the
// generator says it sent.
import fs from 'node:fs';
import path from 'node:path';
import { root } from '../../../harness/paths';

export const OTLP_FIXTURES = path.join(root, 'test', 'fixtures', 'telemetry', 'otlp');

export interface ExpectedRequest {
  timeMs: number;
  latencyMs: number;
  model: string;
  version: string;
  caller: string;
  error: boolean;
  status: number | null;
  collection?: number;
}

export interface ExpectedOtlp {
  boundariesSeconds: number[];
  collectionsMs: number[];
  traces: ExpectedRequest[];
  single: ExpectedRequest[];
  histograms: Record<string, { requests: number; errors: number; buckets: number[]; latenciesMs: number[] }[]>;
}

export function expectedOtlp(): ExpectedOtlp {
  return JSON.parse(fs.readFileSync(path.join(OTLP_FIXTURES, 'expected.json'), 'utf8')) as ExpectedOtlp;
}
