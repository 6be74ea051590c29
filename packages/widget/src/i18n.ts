/** The widget's words in every language it speaks. `{x}` marks a value put in at run time. */
const en = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  title: 'Chat with us',
  placeholder: 'Write a message…',
  send: 'Send',
  attach: 'Attach a file',
  accept: 'Yes, let\u2019s chat',
  noThanks: 'No thanks',
  dismiss: 'Dismiss',
  team: 'Our team',
  typing: '{name} is typing…',
  someone: 'Someone',
  read: '\u2713 Read',
  sent: 'Sent',
  sending: 'Sending…',
  failed: 'Not sent',
  csat: 'How was our help?',
  rate: 'Rate {n} of 5',
  thanksRating: 'Thank you for your rating!',
  offline: 'We are away right now. We will answer by email within {time}.',
  email: 'Your email',
  save: 'Save',
  emailSaved: 'Thank you! We will write to {email}.',
  reconnecting: 'Reconnecting…',
  uploadFailed: 'The file could not be sent.',
  newMessage: 'New message from {name}: {text}',
  unread: '{n} unread',
  more: 'Learn more',
} as const;

export type Strings = Record<keyof typeof en, string>;

const ja: Strings = {
  openChat: 'チャットを開く',
  closeChat: 'チャットを閉じる',
  title: 'お問い合わせ',
  placeholder: 'メッセージを入力…',
  send: '送信',
  attach: 'ファイルを添付',
  accept: 'はい、相談します',
  noThanks: '結構です',
  dismiss: '閉じる',
  team: 'スタッフ',
  typing: '{name}が入力中…',
  someone: 'スタッフ',
  read: '\u2713 既読',
  sent: '送信済み',
  sending: '送信中…',
  failed: '未送信',
  csat: '対応はいかがでしたか？',
  rate: '5段階中{n}で評価',
  thanksRating: 'ご評価ありがとうございます！',
  offline: 'ただいま対応できるスタッフがおりません。{time}以内にメールでご返信します。',
  email: 'メールアドレス',
  save: '保存',
  emailSaved: 'ありがとうございます。{email} 宛にご連絡します。',
  reconnecting: '再接続中…',
  uploadFailed: 'ファイルを送信できませんでした。',
  newMessage: '{name}から新しいメッセージ：{text}',
  unread: '未読{n}件',
  more: '詳しく見る',
};

const ru: Strings = {
  openChat: 'Открыть чат',
  closeChat: 'Закрыть чат',
  title: 'Напишите нам',
  placeholder: 'Напишите сообщение…',
  send: 'Отправить',
  attach: 'Прикрепить файл',
  accept: 'Да, давайте',
  noThanks: 'Нет, спасибо',
  dismiss: 'Закрыть',
  team: 'Наша команда',
  typing: '{name} печатает…',
  someone: 'Оператор',
  read: '\u2713 Прочитано',
  sent: 'Отправлено',
  sending: 'Отправка…',
  failed: 'Не отправлено',
  csat: 'Как мы вам помогли?',
  rate: 'Оценка {n} из 5',
  thanksRating: 'Спасибо за оценку!',
  offline: 'Сейчас никого нет на месте. Мы ответим по почте в течение {time}.',
  email: 'Ваш email',
  save: 'Сохранить',
  emailSaved: 'Спасибо! Мы напишем на {email}.',
  reconnecting: 'Переподключение…',
  uploadFailed: 'Не удалось отправить файл.',
  newMessage: 'Новое сообщение от {name}: {text}',
  unread: 'Непрочитанных: {n}',
  more: 'Подробнее',
};

const vi: Strings = {
  openChat: 'Mở trò chuyện',
  closeChat: 'Đóng trò chuyện',
  title: 'Trò chuyện với chúng tôi',
  placeholder: 'Nhập tin nhắn…',
  send: 'Gửi',
  attach: 'Đính kèm tệp',
  accept: 'Vâng, trò chuyện',
  noThanks: 'Không, cảm ơn',
  dismiss: 'Đóng',
  team: 'Đội ngũ của chúng tôi',
  typing: '{name} đang nhập…',
  someone: 'Nhân viên',
  read: '\u2713 Đã xem',
  sent: 'Đã gửi',
  sending: 'Đang gửi…',
  failed: 'Chưa gửi được',
  csat: 'Bạn thấy sự hỗ trợ thế nào?',
  rate: 'Đánh giá {n} trên 5',
  thanksRating: 'Cảm ơn bạn đã đánh giá!',
  offline: 'Hiện chúng tôi không trực tuyến. Chúng tôi sẽ trả lời qua email trong vòng {time}.',
  email: 'Email của bạn',
  save: 'Lưu',
  emailSaved: 'Cảm ơn bạn! Chúng tôi sẽ viết cho {email}.',
  reconnecting: 'Đang kết nối lại…',
  uploadFailed: 'Không gửi được tệp.',
  newMessage: 'Tin nhắn mới từ {name}: {text}',
  unread: '{n} chưa đọc',
  more: 'Xem thêm',
};

export const LOCALES: Record<string, Strings> = { en, ja, ru, vi };

/**
 * The first supported language among the candidates, in order (`ja-JP` matches `ja`); English
 * when none is supported.
 */
export function pickLocale(candidates: readonly (string | null | undefined)[]): string {
  for (const c of candidates) {
    if (!c) continue;
    const tag = c.trim().toLowerCase().replace('_', '-');
    if (LOCALES[tag]) return tag;
    const primary = tag.split('-')[0]!;
    if (LOCALES[primary]) return primary;
  }
  return 'en';
}

/** A string with its `{name}` placeholders filled. */
export function fill(s: string, values: Record<string, string | number> = {}): string {
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

/** "2 hours", "30 分", "1 день": a reply target in the visitor's language. */
export function formatMinutes(minutes: number, locale: string): string {
  const [value, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  try {
    return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
  } catch {
    return `${value} ${unit}${value === 1 ? '' : 's'}`;
  }
}

/** Up to two initials for an avatar ("Aiko Tanaka" → "AT"; "あいこ" → "あ"). */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.slice(0, 2).map((p) => [...p][0]!.toUpperCase());
  return letters.join('') || '?';
}
