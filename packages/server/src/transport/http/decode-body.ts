import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { LIMITS } from '@omotenashi/protocol';
import { OmotenashiError } from '../../errors.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/**
 * Raw ingestion body → parsed JSON. Decompresses gzip/deflate with an output cap so a small
 * "zip bomb" cannot expand past the batch limit, then parses. Every failure is a stable code.
 */
export async function decodeJsonBody(raw: Buffer, encoding: string | undefined, limit: number = LIMITS.batchBytes): Promise<unknown> {
  let bytes = raw;
  const enc = (encoding ?? '').trim().toLowerCase() || 'identity';
  if (enc === 'gzip' || enc === 'deflate') {
    try {
      bytes = await (enc === 'gzip' ? gunzipAsync : inflateAsync)(raw, { maxOutputLength: limit + 1 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || (err as Error).message.includes('maxOutputLength')) {
        throw tooLarge(limit, true);
      }
      throw new OmotenashiError('invalid_gzip', `the body could not be decompressed as ${enc}: ${(err as Error).message}`);
    }
  } else if (enc !== 'identity') {
    throw new OmotenashiError('unsupported_encoding', `Content-Encoding ${JSON.stringify(encoding)} is not supported; use gzip, deflate or none`);
  }
  if (bytes.length > limit) throw tooLarge(limit, enc !== 'identity');
  if (bytes.length === 0) throw new OmotenashiError('invalid_json', 'the body is empty; send a JSON object');
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (err) {
    throw new OmotenashiError('invalid_json', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

function tooLarge(limit: number, decompressed: boolean): OmotenashiError {
  return new OmotenashiError('payload_too_large', `the body is larger than ${limit} bytes${decompressed ? ' after decompression' : ''}`);
}
