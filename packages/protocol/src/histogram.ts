/**
 * A log-linear histogram with the bucket layout of HdrHistogram (Gil Tene's design, as in
 * hdr-histogram-js): values are integers (the reporter records microseconds), each power-of-two range
 * is split into 2^k linear sub-buckets, so every recorded value is kept within a relative error of
 * 10^-digits. Written here rather than taken from hdr-histogram-js because the reporter records one
 * value per result per series (tens of millions) and the library's recordValue costs ~2x this
 * one's; the tests check that both give the same percentiles. Counts live in a typed array that
 * grows to the highest index seen, so an interval whose values stay within 20-120 ms holds ~1.4k
 * counts, not the whole range. Shared by the reporter (the report's percentiles) and the HQ (thresholds
 * judged during a run), so both judge from the same buckets.
 */

/** Largest value kept in its own bucket (2^40 us, ~12.7 days); larger values share the top bucket. */
const MAX_MAGNITUDE = 40;

/** A histogram as plain data (structured-clone safe). */
export interface HistogramPlain {
  digits: number;
  counts: Float64Array;
  totalCount: number;
  min: number;
  max: number;
}

export class LogLinearHistogram {
  /** Significant decimal digits kept (HdrHistogram's numberOfSignificantValueDigits). */
  readonly digits: number;
  private readonly subBucketCount: number;
  private readonly subBucketHalfCount: number;
  private readonly subBucketHalfCountMagnitude: number;
  private counts: Float64Array;
  private highestIndex = -1;
  private readonly maxIndex: number;
  /** Number of recorded values. */
  totalCount = 0;
  /** Exact smallest and largest recorded values (Infinity / -Infinity while empty). */
  min = Infinity;
  max = -Infinity;

  constructor(digits: number, initialCapacity = 0) {
    if (!Number.isInteger(digits) || digits < 1 || digits > 5) {
      throw new RangeError(`digits must be an integer from 1 to 5, got ${digits}`);
    }
    this.digits = digits;
    const largestSingleUnit = 2 * 10 ** digits;
    const subBucketCountMagnitude = Math.ceil(Math.log2(largestSingleUnit));
    this.subBucketHalfCountMagnitude = subBucketCountMagnitude - 1;
    this.subBucketCount = 2 ** subBucketCountMagnitude;
    this.subBucketHalfCount = this.subBucketCount / 2;
    this.maxIndex = this.indexOf(2 ** MAX_MAGNITUDE - 1);
    this.counts = new Float64Array(Math.max(16, initialCapacity));
  }

  /** The counts-array index of a non-negative integer value (HdrHistogram's countsArrayIndex). */
  indexOf(value: number): number {
    if (value < this.subBucketCount) return value;
    if (value < 2147483648) {
      // Integer fast path (values below ~35 min in microseconds): shifts instead of floating point.
      const shift = 31 - Math.clz32(value) - this.subBucketHalfCountMagnitude;
      return (
        ((shift + 1) << this.subBucketHalfCountMagnitude) + ((value >>> shift) - this.subBucketHalfCount)
      );
    }
    const shift = Math.floor(Math.log2(value)) - this.subBucketHalfCountMagnitude;
    const sub = Math.floor(value / 2 ** shift);
    return (shift + 1) * this.subBucketHalfCount + (sub - this.subBucketHalfCount);
  }

  /** The lowest value that falls in bucket `index`. */
  lowestAt(index: number): number {
    if (index < this.subBucketCount) return index;
    const shift = Math.floor(index / this.subBucketHalfCount) - 1;
    const sub = (index % this.subBucketHalfCount) + this.subBucketHalfCount;
    return sub * 2 ** shift;
  }

  /** The highest value that falls in bucket `index`. */
  highestAt(index: number): number {
    if (index < this.subBucketCount) return index;
    const shift = Math.floor(index / this.subBucketHalfCount) - 1;
    return this.lowestAt(index) + 2 ** shift - 1;
  }

  /** Records `count` occurrences of `value` (a non-negative integer; negatives count as 0). */
  record(value: number, count = 1): void {
    const v = value > 0 ? Math.round(value) : 0;
    let i = this.indexOf(v);
    if (i > this.maxIndex) i = this.maxIndex;
    if (i >= this.counts.length) this.grow(i);
    this.counts[i] += count;
    if (i > this.highestIndex) this.highestIndex = i;
    this.totalCount += count;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  private grow(index: number): void {
    let size = this.counts.length;
    while (size <= index) size *= 2;
    const next = new Float64Array(Math.min(size, this.maxIndex + 1));
    next.set(this.counts);
    this.counts = next;
  }

  /** Adds every count of `other` (same digits) into this histogram. */
  add(other: LogLinearHistogram): void {
    if (other.digits !== this.digits) throw new RangeError('cannot add histograms of different precision');
    if (other.totalCount === 0) return;
    if (other.highestIndex >= this.counts.length) this.grow(other.highestIndex);
    for (let i = 0; i <= other.highestIndex; i++) this.counts[i] += other.counts[i];
    if (other.highestIndex > this.highestIndex) this.highestIndex = other.highestIndex;
    this.totalCount += other.totalCount;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  /**
   * The value at percentile `p` (0-100): the highest value equivalent to the smallest recorded value
   * such that at least p% of all values are less than or equal to it, clamped to the exact min and max,
   * as HdrHistogram's getValueAtPercentile. NaN when empty.
   */
  valueAtPercentile(p: number): number {
    if (this.totalCount === 0) return NaN;
    const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.totalCount));
    let seen = 0;
    for (let i = 0; i <= this.highestIndex; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, this.highestAt(i)));
    }
    return this.max;
  }

  /** A structured-clone-safe copy (to send between threads). */
  toPlain(): HistogramPlain {
    return {
      digits: this.digits,
      counts: this.counts.slice(0, this.highestIndex + 1),
      totalCount: this.totalCount,
      min: this.min,
      max: this.max,
    };
  }

  /** Rebuilds a histogram from toPlain()'s output. */
  static fromPlain(p: HistogramPlain): LogLinearHistogram {
    const h = new LogLinearHistogram(p.digits, p.counts.length);
    h.counts.set(p.counts);
    h.highestIndex = p.counts.length - 1;
    h.totalCount = p.totalCount;
    h.min = p.min;
    h.max = p.max;
    return h;
  }

  /** Approximate bytes held by the counts array. */
  get footprintBytes(): number {
    return this.counts.byteLength;
  }
}
