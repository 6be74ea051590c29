import { Type, type Static } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CONVERSATION_LIMITS } from '@omotenashi/protocol';
import { OmotenashiError } from '../../../errors.js';
import type { Services } from '../../../services.js';
import { authenticate } from '../auth.js';
import { errorHandler } from '../error-handler.js';
import { ERROR_STATUS } from '../error-status.js';
import { IdParams, bearer } from '../schemas.js';

// A wildcard, not `:token`: signed tokens are longer than the router's limit for a path parameter.
const TokenParams = Type.Object({ '*': Type.String({ minLength: 1, maxLength: 400, description: 'the token of the survey link' }) });
const RateBody = Type.Object({
  score: Type.Integer({ minimum: 1, maximum: 5 }),
  comment: Type.Optional(Type.String({ maxLength: CONVERSATION_LIMITS.csatCommentChars })),
}, { additionalProperties: false });

const FORM = 'application/x-www-form-urlencoded';
// Nothing but inline styles and a post back to this server: the page carries no script.
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";
const badLink = () => new OmotenashiError('not_found', 'this satisfaction survey link is not valid');

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222;line-height:1.5}
fieldset{border:0;padding:0;display:flex;gap:.5rem;margin:1rem 0}
label.score{flex:1;text-align:center;border:1px solid #bbb;border-radius:.5rem;padding:.6rem 0;cursor:pointer}
label.score input{display:block;margin:0 auto .2rem}
textarea{width:100%;min-height:6rem;box-sizing:border-box}
button{margin-top:1rem;padding:.6rem 1.4rem;font-size:1rem}
</style></head><body>
${body}
</body></html>`;
}

function sendPage(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply.code(status).headers({
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': PAGE_CSP,
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  }).send(page(title, body));
}

const isForm = (req: FastifyRequest): boolean => (req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM);

/**
 * Satisfaction by link, for customers who are no longer on the site (an email after the
 * conversation): a signed token names the workspace and conversation; the page is plain HTML.
 */
export function csatRoutes(app: FastifyInstance, s: Services): void {
  /** The workspace and conversation a genuine link token names; a forged or unknown one is not found. */
  const resolveToken = async (token: string): Promise<{ workspaceId: string; conversationId: string }> => {
    const payload = token.slice(0, Math.max(token.lastIndexOf('.'), 0));
    const sep = payload.indexOf('~');
    const workspaceId = payload.slice(0, Math.max(sep, 0));
    const conversationId = payload.slice(sep + 1);
    if (sep < 1 || !/^[\w-]{1,80}$/.test(workspaceId) || !/^[\w-]{1,80}$/.test(conversationId)) throw badLink();
    // Only real workspaces: verifying a link reads, and would otherwise create, that workspace's link secret.
    if (!(await s.store.getWorkspace(workspaceId))) throw badLink();
    if ((await s.visitorSessions.verifyLink(workspaceId, token)) !== payload) throw badLink();
    return { workspaceId, conversationId };
  };

  app.get<{ Params: Static<typeof IdParams> }>('/api/v1/conversations/:id/csat-link', {
    schema: { tags: ['conversations'], summary: 'A satisfaction survey link for the customer (relative to the public URL; one rating per resolution)', params: IdParams, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const c = await s.conversations.get(auth.workspaceId, req.params.id);
    const token = await s.visitorSessions.signLink(auth.workspaceId, `${auth.workspaceId}~${c.id}`);
    return { url: `/v1/csat/${encodeURIComponent(token)}` };
  });

  void app.register(async (scope) => {
    // Plain HTML forms post url-encoded bodies; JSON stays accepted for custom pages.
    // A comment of csatCommentChars characters can take up to 12 bytes each url-encoded (4-byte characters).
    scope.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: CONVERSATION_LIMITS.csatCommentChars * 12 + 1024 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    const base = errorHandler(s.metrics);
    scope.setErrorHandler((err: FastifyError, req, reply) => {
      // A person submitting the form gets a page, not JSON.
      if (isForm(req) && (err instanceof OmotenashiError || err.validation)) {
        const status = err instanceof OmotenashiError ? ERROR_STATUS[err.code] : 400;
        const text = err instanceof OmotenashiError
          ? err.code === 'conflict' ? 'Thank you — this conversation has already been rated.' : err.message
          : `Please choose a score from 1 to 5 (and keep the comment under ${CONVERSATION_LIMITS.csatCommentChars.toLocaleString('en')} characters).`;
        return sendPage(reply, status, 'Satisfaction survey', `<h1>Satisfaction survey</h1><p>${escapeHtml(text)}</p>`);
      }
      return base(err, req, reply);
    });

    scope.get<{ Params: Static<typeof TokenParams> }>('/v1/csat/*', {
      schema: { tags: ['conversations'], summary: 'The satisfaction survey page (HTML)', params: TokenParams },
    }, async (req, reply) => {
      const { workspaceId, conversationId } = await resolveToken(req.params['*']);
      const [workspace, c] = await Promise.all([s.store.getWorkspace(workspaceId), s.store.getConversation(workspaceId, conversationId)]);
      if (!c || !workspace) throw badLink();
      const shop = escapeHtml(workspace.name);
      const title = `How did ${workspace.name} do?`;
      if (c.csatScore !== null) return sendPage(reply, 200, title, `<h1>Thank you</h1><p>You have already rated your conversation with ${shop}.</p>`);
      if (c.status !== 'resolved') return sendPage(reply, 200, title, `<h1>${escapeHtml(title)}</h1><p>This conversation is still going on; you can rate it once it is resolved.</p>`);
      const scores = [1, 2, 3, 4, 5].map((n) => `<label class="score"><input type="radio" name="score" value="${n}" required>${n}</label>`).join('');
      return sendPage(reply, 200, title, `<h1>${escapeHtml(title)}</h1>
<p>How satisfied were you with your conversation with ${shop}? (1 = not at all, 5 = very)</p>
<form method="post">
<fieldset><legend>Your score</legend>${scores}</fieldset>
<label for="comment">Anything you would like to tell us? (optional)</label>
<textarea id="comment" name="comment" maxlength="${CONVERSATION_LIMITS.csatCommentChars}"></textarea>
<button type="submit">Send</button>
</form>`);
    });

    scope.post<{ Params: Static<typeof TokenParams>; Body: Static<typeof RateBody> }>('/v1/csat/*', {
      schema: {
        tags: ['conversations'], summary: 'Rate a resolved conversation from the survey link (JSON or a url-encoded form; a form gets a page back)',
        params: TokenParams, body: RateBody, consumes: ['application/json', FORM],
      },
    }, async (req, reply) => {
      const { workspaceId, conversationId } = await resolveToken(req.params['*']);
      const comment = req.body.comment?.trim() || null;
      await s.conversations.rate(workspaceId, conversationId, req.body.score, comment);
      if (isForm(req)) return sendPage(reply, 200, 'Thank you', '<h1>Thank you</h1><p>Your answer has been sent. It helps us take better care of you.</p>');
      return { ok: true };
    });
  });
}
