/*
 * Simulation time. Real model loads take minutes and autoscalers act over
 * minutes, so the simulator keeps its own clock: in `realtime` mode it runs
 * at `speed` times wall-clock speed; in `manual` mode it only moves when a
 * test calls `advance(ms)`, which runs every due timer in order.
 */

/** A scheduled callback. @public */
export interface TimerHandle {
  readonly at: number;
  cancelled: boolean;
}

interface Timer extends TimerHandle {
  seq: number;
  fn: () => void;
}

/** Options of the simulation clock. @public */
export interface ClockOptions {
  /** `realtime` (default) follows wall-clock time times `speed`; `manual` moves only on `advance` */
  mode?: 'realtime' | 'manual';
  /** simulated milliseconds per wall-clock millisecond in realtime mode (default 1) */
  speed?: number;
  /** simulated start time (epoch ms); default now */
  startTime?: number;
}

/** The clock shared by every cluster of a fleet. @public */
export class SimClock {
  readonly mode: 'realtime' | 'manual';
  readonly speed: number;
  private readonly realStart = Date.now();
  private readonly simStart: number;
  private manualNow: number;
  private heap: Timer[] = [];
  private seq = 0;
  private cancelledCount = 0;
  private realTimer?: ReturnType<typeof setTimeout>;
  private realTimerAt = Infinity;
  private stopped = false;
  /** called after each batch of timers, to let controllers drain their queues */
  private readonly afterBatch: Array<() => void> = [];

  constructor(options: ClockOptions = {}) {
    this.mode = options.mode ?? 'realtime';
    this.speed = options.speed ?? 1;
    this.simStart = options.startTime ?? Date.now();
    this.manualNow = this.simStart;
  }

  /** Current simulated time, epoch milliseconds. */
  now(): number {
    if (this.mode === 'manual') return this.manualNow;
    return this.simStart + (Date.now() - this.realStart) * this.speed;
  }

  /** Current simulated time as the API server formats timestamps (seconds precision). */
  nowIso(): string {
    return isoSeconds(this.now());
  }

  /** Runs `fn` after `delayMs` of simulated time. */
  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const t: Timer = {
      at: this.now() + Math.max(0, delayMs),
      seq: this.seq++,
      fn,
      cancelled: false,
    };
    this.push(t);
    if (this.mode === 'realtime') this.armRealTimer();
    return t;
  }

  /** Cancels a timer (cheap: it is skipped when due, and its closure is released now). */
  clearTimer(handle: TimerHandle | undefined): void {
    if (!handle || handle.cancelled) return;
    handle.cancelled = true;
    (handle as Timer).fn = noop;
    // controllers re-arm timers often; rebuild the heap before cancelled ones pile up
    if (
      ++this.cancelledCount > 1024 &&
      this.cancelledCount * 2 > this.heap.length
    )
      this.compact();
  }

  private compact(): void {
    const live = this.heap.filter(t => !t.cancelled);
    this.heap = [];
    this.cancelledCount = 0;
    for (const t of live) this.push(t);
  }

  /** Registers a hook run after every batch of due timers. */
  onAfterBatch(fn: () => void): void {
    this.afterBatch.push(fn);
  }

  /**
   * Moves manual time forward by `ms`, running due timers in time order.
   * Controllers react between timers, as they would in real time.
   */
  async advance(ms: number): Promise<void> {
    if (this.mode !== 'manual') {
      throw new Error('advance() needs a clock in manual mode');
    }
    const target = this.manualNow + ms;
    this.drainHooks();
    for (;;) {
      const next = this.peekLive();
      if (!next || next.at > target) break;
      this.manualNow = Math.max(this.manualNow, next.at);
      this.runDue();
      // let I/O callbacks (watch writes, HTTP responses) interleave
      await new Promise(resolve => setImmediate(resolve));
    }
    this.manualNow = target;
    this.drainHooks();
    await new Promise(resolve => setImmediate(resolve));
  }

  /** Stops firing timers (shutdown). */
  stop(): void {
    this.stopped = true;
    if (this.realTimer) clearTimeout(this.realTimer);
    this.heap = [];
  }

  private drainHooks(): void {
    for (const h of this.afterBatch) h();
  }

  private runDue(): void {
    const now = this.now();
    let ran = 0;
    for (;;) {
      const t = this.peekLive();
      if (!t || t.at > now) break;
      this.pop();
      t.cancelled = true;
      t.fn();
      ran++;
      // keep a single batch bounded so a storm of timers cannot starve I/O
      if (ran >= 5000) break;
    }
    this.drainHooks();
  }

  private armRealTimer(): void {
    if (this.stopped) return;
    const next = this.peekLive();
    if (!next) return;
    if (this.realTimer && next.at >= this.realTimerAt) return;
    if (this.realTimer) clearTimeout(this.realTimer);
    const delay = Math.max(0, (next.at - this.now()) / this.speed);
    this.realTimerAt = next.at;
    this.realTimer = setTimeout(() => {
      this.realTimer = undefined;
      this.realTimerAt = Infinity;
      this.runDue();
      this.armRealTimer();
    }, Math.min(delay, 2 ** 31 - 1));
    this.realTimer.unref?.();
  }

  private peekLive(): Timer | undefined {
    while (this.heap.length > 0 && this.heap[0].cancelled) {
      this.pop();
      if (this.cancelledCount > 0) this.cancelledCount--;
    }
    return this.heap[0];
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p], h[i])) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l], h[m])) m = l;
        if (r < h.length && less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}

function noop(): void {}

function less(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** RFC 3339 with seconds precision, as Kubernetes formats `metav1.Time`. */
export function isoSeconds(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000)
    .toISOString()
    .slice(0, 19)}Z`;
}
