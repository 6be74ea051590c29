import type { Issue } from '@omotenashi/protocol';
import { PlaybookDefinition } from './definition.js';
import { IssueList } from './issue-list.js';
import { collectSchemaIssues } from './schema-issues.js';
import { collectSemanticIssues } from './semantic-issues.js';

export { MAX_PLAYBOOK_ISSUES } from './issue-list.js';

export type PlaybookValidation = { ok: true; playbook: PlaybookDefinition } | { ok: false; issues: Issue[] };

/**
 * Checks a playbook from an API body or a YAML/JSON file: first its shape (the TypeBox
 * schema), then, only once the shape is right, what the schema cannot say (durations, fact
 * names, patterns, operators, the step ladder). Reports every problem found, at most 50.
 */
export function validatePlaybook(input: unknown): PlaybookValidation {
  const out = new IssueList();
  collectSchemaIssues(PlaybookDefinition, input, '', out);
  // Semantic checks read fields the schema guarantees; on a malformed definition they would
  // only add noise (or crash), so they wait until the shape is fixed.
  if (out.issues.length === 0) collectSemanticIssues(input as PlaybookDefinition, out);
  return out.issues.length === 0 ? { ok: true, playbook: input as PlaybookDefinition } : { ok: false, issues: out.issues };
}
