import { ATTACHMENT_TYPES, CONVERSATION_LIMITS, type AttachmentRef, type AttachmentType } from '@omotenashi/protocol';
import { safeFileName, sniffAttachmentType } from '../../domain/conversations/attachments.js';
import { notFound, OmotenashiError, validationError } from '../../errors.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { Clock } from '../../ports/clock.js';
import type { AttachmentRecord } from '../../ports/conversation-store.js';
import type { Store } from '../../ports/store.js';

export type Uploader =
  | { type: 'customer'; customerId: string }
  | { type: 'operator'; operatorId: string | null; tokenId: string };

export type AttachmentReader = { type: 'operator' } | { type: 'customer'; family: string[] };

const EXTENSIONS: Record<AttachmentType, readonly string[]> = {
  'image/png': ['.png'],
  'image/jpeg': ['.jpg', '.jpeg', '.jpe', '.jfif'],
  'image/gif': ['.gif'],
  'image/webp': ['.webp'],
  'application/pdf': ['.pdf'],
};

/**
 * The stored name ends in an extension of the sniffed type, so a download saved to disk opens
 * as what it is (a PNG named "page.html" could otherwise be opened by a browser as HTML).
 */
export function nameFor(fileName: string, type: AttachmentType): string {
  const name = safeFileName(fileName);
  const lower = name.toLowerCase();
  if (EXTENSIONS[type].some((ext) => lower.endsWith(ext) && lower.length > ext.length)) return name;
  return safeFileName(`${name}${EXTENSIONS[type][0]}`);
}

/**
 * Files sent in conversations. Bytes live in the database (one backup holds everything); the
 * type is sniffed from them, never taken from the client. An upload is unsent until a message
 * binds it; customers read only their own uploads and what was sent in their conversations.
 */
export class Attachments {
  constructor(private readonly deps: { store: Store; ids: IdGenerator; clock: Clock }) {}

  async upload(workspaceId: string, uploader: Uploader, fileName: string, bytes: Buffer): Promise<AttachmentRef> {
    const max = CONVERSATION_LIMITS.attachmentBytes;
    if (bytes.length === 0) throw validationError([{ path: 'body', code: 'empty', message: 'the attachment is empty: send the file\'s bytes as the body' }]);
    if (bytes.length > max) throw new OmotenashiError('payload_too_large', `an attachment may be at most ${max} bytes (${max / 1024 / 1024} MB); this one is larger`);
    const type = sniffAttachmentType(bytes);
    if (type === null) {
      throw new OmotenashiError('unsupported_media_type', `the file is not one of the accepted types (${ATTACHMENT_TYPES.join(', ')}); the type is read from the file's content, not its name`);
    }
    if (uploader.type === 'customer' && (await this.deps.store.countUnsentAttachments(workspaceId, uploader.customerId)) >= CONVERSATION_LIMITS.unsentUploads) {
      throw new OmotenashiError('rate_limited', `at most ${CONVERSATION_LIMITS.unsentUploads} uploads may wait unsent; send a message with them first`);
    }
    const record: AttachmentRecord = {
      id: this.deps.ids.next('attachment'), workspaceId,
      // An operator's upload belongs to no customer until a message binds it to a conversation.
      customerId: uploader.type === 'customer' ? uploader.customerId : '',
      conversationId: null, messageId: null, uploaderType: uploader.type,
      uploaderId: uploader.type === 'customer' ? uploader.customerId : uploader.operatorId ?? `token:${uploader.tokenId}`,
      fileName: nameFor(fileName, type), contentType: type, size: bytes.length, createdAt: this.deps.clock.now(),
    };
    await this.deps.store.insertAttachment(record, bytes);
    return { id: record.id, fileName: record.fileName, contentType: type, size: record.size };
  }

  /** The attachment and its bytes, if `reader` may see it; otherwise not found (never "forbidden": ids stay unconfirmed). */
  async read(workspaceId: string, id: string, reader: AttachmentReader): Promise<{ attachment: AttachmentRecord; data: Buffer }> {
    const a = await this.deps.store.getAttachment(workspaceId, id);
    if (!a || !(await this.mayRead(a, reader))) throw notFound('attachment', id);
    const data = await this.deps.store.getAttachmentData(workspaceId, id);
    if (!data) throw notFound('attachment', id);
    return { attachment: a, data };
  }

  private async mayRead(a: AttachmentRecord, reader: AttachmentReader): Promise<boolean> {
    if (reader.type === 'operator') return true;
    if (a.uploaderType === 'customer' && reader.family.includes(a.customerId)) return true;
    if (a.messageId === null || a.conversationId === null) return false;
    // The message names its customer; a file on an internal note is the team's, not theirs.
    const m = await this.deps.store.getMessage(a.workspaceId, a.messageId);
    return m !== null && m.kind === 'text' && reader.family.includes(m.customerId);
  }
}
