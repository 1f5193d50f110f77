// The part of autocannon 9's API the bench uses (the package ships no types).
declare module 'autocannon' {
  function autocannon(options: autocannon.Options): autocannon.Instance;
  namespace autocannon {
    interface Options {
      url: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      connections?: number;
      pipelining?: number;
      /** seconds */
      duration?: number;
      /** seconds */
      timeout?: number;
      /** false counts the response as a mismatch */
      verifyBody?: (body: string) => boolean;
    }
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
    }
    interface Result {
      /** seconds */
      duration: number;
      latency: Histogram;
      requests: Histogram;
      throughput: Histogram;
      /** connection errors, timeouts included */
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
    }
    interface Instance extends PromiseLike<Result> {
      stop(): void;
      /** responseTime in milliseconds */
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
    }
  }
  export = autocannon;
}
