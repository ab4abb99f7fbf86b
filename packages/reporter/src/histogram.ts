/**
 * The report's histogram: @oct/protocol's LogLinearHistogram (HdrHistogram's bucket layout), shared
 * with the HQ so that thresholds judged during a run and the report's percentiles use the same buckets.
 */
export { LogLinearHistogram, type HistogramPlain } from '@oct/protocol';
