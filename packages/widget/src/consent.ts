/** The three purposes a shop's consent banner answers for (Segment's consent categories). */
export type Purpose = 'analytics' | 'service' | 'marketing';
export type ConsentAnswers = Partial<Record<Purpose, boolean>>;

/**
 * Decides what the widget may do. Without `data-require-consent`, everything is allowed until
 * the shop says no. With it, a purpose needs an explicit yes. A browser sending Global Privacy
 * Control (when the shop honours it) is treated as "no" to analytics and marketing until the
 * shop passes an explicit yes it collected from the person.
 */
export class ConsentGate {
  private answers: ConsentAnswers;

  constructor(private readonly opts: { requireConsent: boolean; gpc: boolean }, stored: ConsentAnswers = {}) {
    this.answers = { ...stored };
  }

  set(answers: ConsentAnswers): void {
    for (const p of ['analytics', 'service', 'marketing'] as const) {
      const v = answers[p];
      if (typeof v === 'boolean') this.answers[p] = v;
    }
  }

  get current(): ConsentAnswers {
    return { ...this.answers };
  }

  /** Whether the purpose is allowed now. */
  allows(p: Purpose): boolean {
    const v = this.answers[p];
    if (v !== undefined) return v;
    if (this.opts.requireConsent) return false;
    if (this.opts.gpc && p !== 'service') return false;
    return true;
  }

  /** Not allowed yet, but not refused either: events may wait in memory for the answer. */
  pending(p: Purpose): boolean {
    return !this.allows(p) && this.answers[p] === undefined;
  }

  /** What goes in `context.consent.categoryPreferences` (only the answers given or implied). */
  preferences(): Record<string, boolean> {
    const out: Record<string, boolean> = {};
    for (const p of ['analytics', 'service', 'marketing'] as const) {
      if (this.answers[p] !== undefined || this.opts.gpc || this.opts.requireConsent) out[p] = this.allows(p);
    }
    return out;
  }
}
