import { starterPlaybooks } from '../app/care/playbook-files.js';

/*
 * The demo workspace runs the starter library at "demo pace": the playbooks whose timers wait
 * minutes or days (or whose page lists do not know the shop's /demo/ paths) get a modified copy,
 * so a newcomer watching the demo shop or `omotenashi demo simulate` sees the cups within
 * seconds. Each copy says so in its description. The library files themselves are unchanged.
 */

type Definition = Record<string, unknown>;

/** Ends the description of every playbook the demo changed; `demo simulate` looks for it. */
export const DEMO_NOTE = 'Demo pace (demo workspace only):';

/**
 * Sets step `index`'s delay, after checking it is still the `action` the library had when this
 * copy was written: a reordered library file fails the demo seed loudly instead of re-timing the
 * wrong step.
 */
function retime(def: Definition, index: number, action: string, after: string): void {
  const steps = def['steps'] as Definition[];
  const step = steps[index];
  if (step?.['action'] !== action) {
    throw new Error(`demo pace: step ${index} of the starter playbook ${String(def['key'])} is ${JSON.stringify(step?.['action'])}, expected ${action}; update demo/demo-playbooks.ts`);
  }
  steps[index] = { ...step, after };
}

/** The copy of one starter playbook the demo workspace runs, or the playbook itself. */
function atDemoPace(def: Definition): Definition {
  const copy = structuredClone(def);
  const describe = (change: string) => {
    copy['description'] = `${typeof copy['description'] === 'string' ? copy['description'].trim() : ''}\n\n${DEMO_NOTE} ${change}`;
  };
  switch (copy['key']) {
    case 'stuck-at-payment': {
      // The shop lives under /demo/, so the page is matched wherever the checkout sits.
      copy['trigger'] = { dwell: { page: { path: { glob: '**/checkout/payment' } }, seconds: 10 } };
      retime(copy, 1, 'invite', '10s');
      retime(copy, 2, 'alert', '1m');
      describe('the hint comes after 10 s on the payment step (not 60 s), the invitation 10 s after the hint (not 2 min), the alert 1 min after that (not 3 min); the page is matched as **/checkout/payment so /demo/checkout/payment counts.');
      return copy;
    }
    case 'returns-help-visits': {
      const trigger = copy['trigger'] as { repetition: { on: { page: { path: { oneOf: string[] } } } } };
      trigger.repetition.on.page.path.oneOf = ['/demo/returns', '/demo/help', ...trigger.repetition.on.page.path.oneOf];
      describe('the demo shop\'s /demo/returns and /demo/help pages are added to the list.');
      return copy;
    }
    case 'late-delivery': {
      const trigger = copy['trigger'] as { absence: { within: string } };
      trigger.absence.within = '15s';
      retime(copy, 1, 'alert', '2m');
      describe('the check comes 15 s after "Order Shipped" (not 4 days), and the alert 2 min after the task (not 1 day); an order still within its promised date is left alone as in the library.');
      return copy;
    }
    case 'birthday-week': {
      // A date trigger fires at 10:00 on the customer's clock seven days ahead, which a demo
      // cannot wait for: the copy notices the coming birthday when the customer signs in.
      copy['trigger'] = { on: { type: 'identify' } };
      copy['conditions'] = [
        { fact: 'moments.birthday.daysUntil', op: 'between', value: [0, 7] },
        ...(copy['conditions'] as unknown[]),
      ];
      copy['etiquette'] = { cooldown: '300d' };
      retime(copy, 1, 'task', '1m');
      describe('instead of a date timer (7 days before, 10:00 local time), the birthday is noticed when the customer signs in (identify) with it at most 7 days away; a 300-day cooldown keeps it to once a year. The second task follows after 1 min (not 1 h).');
      return copy;
    }
    default:
      return copy;
  }
}

/** The starter library as the demo workspace runs it. */
export function demoPlaybooks(): Definition[] {
  return starterPlaybooks().map((d) => atDemoPace(d as Definition));
}
