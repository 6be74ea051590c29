/**
 * The XSS corpus of the console's browser test (test/browser/console-xss.test.ts).
 *
 * Every payload is customer-supplied text that a careless renderer would turn into running code
 * or a request. Each one is numbered, and what it would do if it ran names its number, so a
 * failure says exactly which payload got through:
 *  - call `window.__xss(N)` (the test exposes that function to the page), or
 *  - `alert/confirm/prompt(N)` (the test fails on any dialog), or
 *  - load `http://xss-marker.invalid/N` or `/__xss-marker/N` (the test records every request
 *    whose URL contains "xss-marker"), or
 *  - leave an element with `data-xss="N"`, an `on…` attribute, or a link/frame with a
 *    `javascript:`/`data:`/`vbscript:` URL in the DOM (the test scans the DOM for them: markup
 *    that became elements was not escaped, even if it could not run).
 *
 * Templates use these placeholders (§ never occurs in real payloads):
 *   §X§ → __xss(N)         §N§ → N        §M§ → http://xss-marker.invalid/N
 *   §R§ → /__xss-marker/N  §B§ → base64 of "__xss(N)"
 */

export const MARKER_HOST = 'xss-marker.invalid';
export const MARKER_PATH = '/__xss-marker/';

export interface XssPayload {
  id: number;
  category: string;
  text: string;
}

const T: [category: string, template: string][] = [
  // Classic <script>
  ['script', '<script>§X§</script>'],
  ['script', '<SCRIPT>§X§</SCRIPT>'],
  ['script', '<script src="§M§"></script>'],
  ['script', '<scr<script>ipt>§X§</scr</script>ipt>'],
  ['script', '"><script>§X§</script>'],
  ['script', "'><script>§X§</script>"],
  ['script', '</title><script>§X§</script>'],
  ['script', '</textarea><script>§X§</script>'],
  ['script', '</style><script>§X§</script>'],
  ['script', '<!--<script>--><script>§X§</script>'],
  ['script', '<script type="module">§X§</script>'],
  ['script', '</script><script>§X§</script>'],
  ['script', '\\"></script><script>§X§</script>'],
  ['script', '<script>fetch("§M§")</script>'],
  ['script', '<script>prompt(§N§)</script>'],
  // <img onerror> and friends
  ['img', '<img src=x onerror=§X§>'],
  ['img', '<img src="§M§">'],
  ['img', '<IMG SRC=x OnErRoR=§X§>'],
  ['img', '<img src=x onerror="§X§">'],
  ['img', '<img/src=x/onerror=§X§>'],
  ['img', '<img src=x onerror="&#95;&#95;xss(§N§)">'],
  ['img', "<img src=x onerror=eval(atob('§B§'))>"],
  ['img', '<img srcset="§M§ 1x" data-xss="§N§">'],
  ['img', '<picture><source srcset="§M§"><img data-xss="§N§"></picture>'],
  ['img', '<image src=x onerror=§X§>'],
  ['img', '<img src=x onerror=alert(§N§)>'],
  ['img', '<img src=x onerror=import("§M§")>'],
  ['img', '<img src=x onerror="&#0000095;&#0000095;xss(§N§)">'],
  ['img', '\u202e<img src=x onerror=§X§>'],
  ['img', `${'A'.repeat(400)}<img src=x onerror=§X§>`],
  // SVG
  ['svg', '<svg onload=§X§>'],
  ['svg', '<svg/onload=§X§>'],
  ['svg', '<svg><script>§X§</script></svg>'],
  ['svg', '<svg><animate onbegin=§X§ attributeName=x dur=1s>'],
  ['svg', '<svg><a xlink:href="javascript:§X§"><text x=20 y=20>click</text></a></svg>'],
  ['svg', '<svg><foreignObject><img src=x onerror=§X§></foreignObject></svg>'],
  ['svg', '<svg><style><img src=x onerror=§X§></style></svg>'],
  ['svg', '<svg onload=confirm(§N§)>'],
  ['svg', '<svg><set attributeName=onmouseover to=§X§ /></svg>'],
  ['svg', '<math><mtext><table><mglyph><style><img src=x onerror=§X§>'],
  // Other event handlers
  ['event', '<body onload=§X§>'],
  ['event', '<details open ontoggle=§X§>'],
  ['event', '<input autofocus onfocus=§X§>'],
  ['event', '<select autofocus onfocus=§X§>'],
  ['event', '<textarea autofocus onfocus=§X§></textarea>'],
  ['event', '<marquee onstart=§X§>x</marquee>'],
  ['event', '<video><source onerror=§X§></video>'],
  ['event', '<audio src=x onerror=§X§>'],
  ['event', '<div onmouseover=§X§ style="position:fixed;inset:0">x</div>'],
  ['event', '<x contenteditable autofocus onfocus=§X§>x</x>'],
  ['event', '<a href=# onclick=§X§ data-xss=§N§>x</a>'],
  ['event', '<keygen autofocus onfocus=§X§>'],
  // javascript:/data:/vbscript: URLs, bare and in HTML
  ['url', 'javascript:§X§'],
  ['url', 'JaVaScRiPt:§X§'],
  ['url', 'java\tscript:§X§'],
  ['url', ' javascript:§X§'],
  ['url', '&#106;avascript:§X§'],
  ['url', 'data:text/html,<script>§X§</script>'],
  ['url', 'vbscript:msgbox(§N§)'],
  ['url', '<a href="javascript:§X§">click</a>'],
  ['url', '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;§X§">x</a>'],
  ['url', '<object data="javascript:§X§">'],
  ['url', '<embed src="javascript:§X§">'],
  ['url', '<form><button formaction="javascript:§X§">x</button></form>'],
  ['url', '<isindex action=javascript:§X§ type=image>'],
  ['url', 'ｊａｖａｓｃｒｉｐｔ:§X§'],
  // Markdown link and image tricks (the console renders a Markdown subset)
  ['markdown', '[x](javascript:§X§)'],
  ['markdown', '[x](JAVASCRIPT:§X§)'],
  ['markdown', '[x](javascript&#58;§X§)'],
  ['markdown', '[x](  javascript:§X§  )'],
  ['markdown', '[x](data:text/html;base64,PHNjcmlwdD5fX3hzcygxKTwvc2NyaXB0Pg==)'],
  ['markdown', '[x](vbscript:§X§)'],
  ['markdown', '![x](§M§)'],
  ['markdown', '![x](x" onerror="§X§)'],
  ['markdown', '[x](https://ok.example" onclick="§X§)'],
  ['markdown', '[<img src=x onerror=§X§>](https://ok.example)'],
  ['markdown', '<javascript:§X§>'],
  ['markdown', '[x]: javascript:§X§\n\n[x]'],
  ['markdown', '**<img src=x onerror=§X§>**'],
  ['markdown', '`<script>§X§</script>`'],
  ['markdown', '```html\n<script>§X§</script>\n```'],
  ['markdown', '[x](\njavascript:§X§)'],
  ['markdown', '[x](#" onmouseover="§X§)'],
  ['markdown', '- <img src=x onerror=§X§>\n- item'],
  ['markdown', '_[x](javascript:§X§)_'],
  // Attribute breakouts (for values that land in attributes: title=, value=, href=)
  ['attribute', '" onmouseover="§X§" data-xss="§N§'],
  ['attribute', "' onmouseover='§X§' data-xss='§N§"],
  ['attribute', '" autofocus onfocus="§X§'],
  ['attribute', '"><img src=x onerror=§X§>'],
  ['attribute', "'><img src=x onerror=§X§>"],
  ['attribute', '`><img src=x onerror=§X§>'],
  ['attribute', '" style="background:url(§M§)" data-xss="§N§'],
  ['attribute', '"/><svg onload=§X§>'],
  // Template injections (frameworks that evaluate text as a template)
  ['template', "{{constructor.constructor('§X§')()}}"],
  ['template', '${§X§}'],
  ['template', '`${§X§}`'],
  ['template', '{{§X§}}'],
  ['template', '<%= §X§ %>'],
  ['template', '#{§X§}'],
  ['template', "{{$on.constructor('§X§')()}}"],
  ['template', '[[${§X§}]]'],
  ['template', '{{{§X§}}}'],
  // Mixed encodings
  ['encoding', '&lt;script&gt;§X§&lt;/script&gt;'],
  ['encoding', '%3Cscript%3E§X§%3C/script%3E'],
  ['encoding', '\\u003cscript\\u003e§X§\\u003c/script\\u003e'],
  ['encoding', '\\x3cscript\\x3e§X§\\x3c/script\\x3e'],
  ['encoding', '＜script＞§X§＜/script＞'],
  ['encoding', '&#60;script&#62;§X§&#60;/script&#62;'],
  ['encoding', '&#x3C;img src=x onerror=§X§&#x3E;'],
  ['encoding', '+ADw-script+AD4-§X§+ADw-/script+AD4-'],
  ['encoding', '%253Cimg%2520src%253Dx%2520onerror%253D§X§%253E'],
  // CSS
  ['css', '<div style="width:expression(§X§)" data-xss="§N§">x</div>'],
  ['css', "<style>@import '§M§';</style>"],
  ['css', '<style>body{background:url("§M§")}</style>'],
  ['css', '<link rel=stylesheet href="§M§">'],
  ['css', '<div style="background-image:url(javascript:§X§)" data-xss="§N§">x</div>'],
  ['css', '<style>*{behavior:url(§M§)}</style>'],
  // Frames, objects, meta, base, forms, templates
  ['frame', '<iframe srcdoc="&lt;script&gt;parent.__xss(§N§)&lt;/script&gt;"></iframe>'],
  ['frame', '<iframe src="javascript:parent.§X§"></iframe>'],
  ['frame', '<iframe src="§M§"></iframe>'],
  ['frame', '<meta http-equiv="refresh" content="0;url=javascript:§X§">'],
  ['frame', '<base href="§M§/">'],
  ['frame', '<object data="§M§"></object>'],
  ['frame', '<embed src="§M§">'],
  ['frame', '<form action="§M§" data-xss="§N§"><input type=submit></form>'],
  ['frame', '<template><script>§X§</script></template><b data-xss="§N§">t</b>'],
  ['frame', '<noscript><p title="</noscript><img src=x onerror=§X§>">'],
  ['frame', '<img src="§R§">'],
  ['frame', '<video poster="§R§" data-xss="§N§"></video>'],
];

/** The corpus: at least 100 payloads, each tied to its number (ids start at 1). */
export function xssPayloads(): XssPayload[] {
  return T.map(([category, template], i) => {
    const id = i + 1;
    const call = `__xss(${id})`;
    const text = template
      .replaceAll('§X§', call)
      .replaceAll('§N§', String(id))
      .replaceAll('§M§', `http://${MARKER_HOST}/${id}`)
      .replaceAll('§R§', `${MARKER_PATH}${id}`)
      .replaceAll('§B§', Buffer.from(call).toString('base64'));
    return { id, category, text };
  });
}

/** Whether a request URL is one a payload would make (cross-origin or same-origin marker). */
export function isMarkerUrl(url: string): boolean {
  return url.includes(MARKER_HOST) || url.includes(MARKER_PATH);
}
