/**
 * The editor's problems, beside the text: the server's validation issues (path + message) and a
 * YAML/JSON syntax error (line + column). Each names where it is; clicking it puts the caret
 * there. Text only (Preact escapes it): messages quote what the author typed.
 */
import { t } from '../../lib/i18n';
import type { Issue } from '../../lib/api';
import type { SyntaxProblem, TextPos } from '../../lib/playbook-text';

/** A problem as shown: a server issue with the line its path was found on, or a syntax error. */
export type EditorIssue =
  | (Issue & { kind: 'field'; at: TextPos | null })
  | { kind: 'syntax'; path: '(syntax)'; message: string; at: TextPos };

/** The syntax problem in the operator's language (the parser's detail stays as it is: English). */
export function syntaxIssue(p: SyntaxProblem): EditorIssue {
  const message = p.kind === 'multiple' ? t('editor.multipleDocs')
    : p.kind === 'notObject' ? t('editor.notObject')
      : p.kind === 'empty' ? t('editor.empty')
        : t('editor.syntaxError', { detail: p.detail });
  return { kind: 'syntax', path: '(syntax)', message, at: p.at };
}

export function IssueList({ issues, onPick }: { issues: EditorIssue[]; onPick: (i: EditorIssue) => void }) {
  return (
    <section class="issues-box" id="playbook-issues" data-testid="playbook-issues" aria-live="polite" aria-label={t('editor.issues')}>
      <h3>{t('editor.issues')}{issues.length > 0 && <span class="count bad">{issues.length}</span>}</h3>
      {issues.length === 0 ? <p class="muted small">{t('editor.noIssues')}</p> : (
        <ul>
          {issues.map((i, n) => (
            <li key={n} data-testid="playbook-issue" data-path={i.path} data-line={i.at?.line} data-col={i.at?.col}>
              <button type="button" class="link" onClick={() => onPick(i)}>
                {i.kind === 'syntax'
                  ? <span>{t('editor.lineCol', { line: i.at.line, col: i.at.col })}</span>
                  : <><code>{i.path}</code>{i.at && <span class="muted small"> · {t('editor.line', { line: i.at.line })}</span>}</>}
              </button>
              <p class="small">{i.message}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
