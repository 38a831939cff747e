// The metrics the handlers really emit: Powertools' Embedded Metric Format documents, read back from
// stdout. Powertools metrics are off in the tests (setup-jest.ts sets POWERTOOLS_METRICS_DISABLED, as
// Powertools' "Testing your code" suggests); a capture turns them on for what is built while it runs.

/** One metric of one EMF document, with the dimensions CloudWatch files it under. */
export interface EmfMetric {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly dimensions: Record<string, string>;
}

interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

export interface EmfCapture {
  /** Every EMF document written to stdout since the capture started, parsed. */
  documents(): EmfDocument[];
  /** The same, one entry per metric and dimension set. */
  metrics(): EmfMetric[];
  /** Puts stdout and POWERTOOLS_METRICS_DISABLED back. */
  stop(): void;
}

/**
 * Starts reading EMF off process.stdout (other output passes through) and enables Powertools metrics
 * for every Metrics instance built until stop(): Powertools reads POWERTOOLS_METRICS_DISABLED when an
 * instance is built, singleMetric() ones included.
 */
export function startEmfCapture(): EmfCapture {
  const documents: EmfDocument[] = [];
  const write = process.stdout.write;
  const previous = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const other: string[] = [];
    for (const line of text.split('\n')) {
      if (line.startsWith('{"_aws":')) documents.push(JSON.parse(line) as EmfDocument);
      else if (line !== '') other.push(line);
    }
    if (other.length === 0) return true;
    return (write as (...args: unknown[]) => boolean).call(process.stdout, `${other.join('\n')}\n`, ...rest);
  }) as typeof process.stdout.write;
  return {
    documents: () => [...documents],
    metrics: () => documents.flatMap(metricsOf),
    stop() {
      process.stdout.write = write;
      if (previous === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
      else process.env.POWERTOOLS_METRICS_DISABLED = previous;
    },
  };
}

function metricsOf(document: EmfDocument): EmfMetric[] {
  return document._aws.CloudWatchMetrics.flatMap((directive) =>
    directive.Dimensions.flatMap((names) =>
      directive.Metrics.map((metric) => ({
        namespace: directive.Namespace,
        name: metric.Name,
        unit: metric.Unit,
        value: document[metric.Name] as number,
        dimensions: Object.fromEntries(names.map((name) => [name, String(document[name])])),
      })),
    ),
  );
}

/** In a jest file: a capture around every test. */
export function useEmfCapture(): { metrics(): EmfMetric[]; documents(): EmfDocument[] } {
  let capture: EmfCapture | undefined;
  beforeEach(() => {
    capture = startEmfCapture();
  });
  afterEach(() => {
    capture?.stop();
    capture = undefined;
  });
  const current = (): EmfCapture => {
    if (!capture) throw new Error('useEmfCapture: read the metrics inside a test');
    return capture;
  };
  return { metrics: () => current().metrics(), documents: () => current().documents() };
}
