import type { JsonObject } from '../events/normalized-event.js';
import { asObject, asText } from './coerce.js';
import type { Device } from './profile.js';
import { classifyUserAgent } from './user-agent.js';

/*
 * The device an event came from. Browsers tell us through context.userAgent; Segment's mobile
 * libraries send context.device {type, model, manufacturer}, context.os.name and
 * context.app.name instead. Explicit context fields win over what the UA string suggests.
 */

function normaliseType(type: string | null, model: string | null): Device['type'] {
  if (type === null) return null;
  switch (type.toLowerCase()) {
    case 'mobile':
    case 'phone':
    case 'smartphone':
    case 'handset':
      return 'mobile';
    case 'tablet':
      return 'tablet';
    case 'desktop':
    case 'computer':
    case 'laptop':
    case 'pc':
    case 'macos':
    case 'mac':
    case 'windows':
    case 'linux':
      return 'desktop';
    case 'bot':
      return 'bot';
    // Segment's iOS and Android libraries put the platform here, not the form factor.
    case 'ios':
    case 'ipados':
    case 'android':
      return model !== null && /ipad|tablet|\btab\b|sm-t\d/i.test(model) ? 'tablet' : 'mobile';
    default:
      return null;
  }
}

function normaliseOs(name: string | null): string | null {
  if (name === null) return null;
  if (/^(?:ios|ipados|iphone ?os)/i.test(name)) return 'iOS';
  if (/android/i.test(name)) return 'Android';
  if (/mac ?os|os ?x/i.test(name)) return 'macOS';
  if (/windows/i.test(name)) return 'Windows';
  if (/chrome ?os|cros/i.test(name)) return 'ChromeOS';
  if (/linux/i.test(name)) return 'Linux';
  return name;
}

function modelName(device: JsonObject | null): string | null {
  const model = asText(device?.model);
  const manufacturer = asText(device?.manufacturer);
  if (model === null) return manufacturer;
  if (manufacturer === null || model.toLowerCase().startsWith(manufacturer.toLowerCase())) return model;
  return `${manufacturer} ${model}`;
}

/**
 * The device described by an event's context, or null when the context says nothing about one
 * (typical of server-side calls), so the caller keeps what it knew. When something is said, it
 * describes the whole device: fields are not mixed with an earlier device's.
 */
export function deviceFromContext(context: JsonObject): Device | null {
  const userAgent = asText(context.userAgent, 1024);
  const device = asObject(context.device);
  const os = asObject(context.os);
  const app = asObject(context.app);
  if (userAgent === null && device === null && os === null && app === null) return null;
  const fromUa = userAgent === null ? null : classifyUserAgent(userAgent);
  const model = modelName(device);
  return {
    type: normaliseType(asText(device?.type), model) ?? fromUa?.type ?? null,
    browser: fromUa?.browser ?? null,
    os: normaliseOs(asText(os?.name)) ?? fromUa?.os ?? null,
    model,
    app: asText(app?.name),
  };
}
