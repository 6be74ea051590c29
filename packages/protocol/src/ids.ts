/** Prefixes of public ids (`cus_01J…`): the prefix tells what an id names. */
export const ID_PREFIXES = {
  workspace: 'ws',
  customer: 'cus',
  event: 'evt',
  writeKey: 'wk',
  apiToken: 'tok',
  operator: 'op',
  merge: 'mrg',
  suppression: 'sup',
  playbook: 'pb',
  decision: 'dec',
  timer: 'tmr',
  careItem: 'itm',
  task: 'tsk',
  touch: 'tch',
  delivery: 'whd',
  traitChange: 'trc',
  erasure: 'era',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;
