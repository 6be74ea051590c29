/**
 * The loader's styles, all inside the shadow root. The shop's CSS cannot select anything inside
 * it; what it could still do to the host element (and what the host would pass on by
 * inheritance) is undone by `:host { all: initial !important }` (inside !important beats
 * outside !important), and fonts and colours are set on the inner `.stack`, not inherited.
 */
export const LOADER_CSS = `
:host{all:initial!important;display:block!important;position:fixed!important;right:20px!important;bottom:20px!important;left:auto!important;top:auto!important;z-index:2147483000!important;width:auto!important;height:auto!important;margin:0!important;padding:0!important;transform:none!important;opacity:1!important;visibility:visible!important}
.stack{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Hiragino Sans","Noto Sans JP",sans-serif;color:#1d2330;text-align:left;direction:ltr;letter-spacing:normal;--o-accent:#1f5f5b;--o-bg:#fff;--o-muted:#5b6472;--o-line:#e3e6ea}
[hidden]{display:none!important}
*,*::before,*::after{box-sizing:border-box}
button{font:inherit;cursor:pointer}
.stack{display:flex;flex-direction:column;align-items:flex-end;gap:12px}
[data-part=launcher]{width:56px;height:56px;border-radius:50%;border:0;background:var(--o-accent);color:#fff;display:grid;place-items:center;box-shadow:0 4px 16px rgba(0,0,0,.22);position:relative;transition:transform .15s}
[data-part=launcher]:hover{transform:scale(1.05)}
[data-part=launcher]:focus-visible,button:focus-visible,a:focus-visible,textarea:focus-visible,input:focus-visible{outline:3px solid #f2b84b;outline-offset:2px}
[data-part=launcher] svg{width:26px;height:26px;fill:currentColor}
.badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;border-radius:10px;background:#c8372d;color:#fff;font-size:12px;font-weight:600;display:grid;place-items:center;padding:0 5px}
.card{width:300px;max-width:calc(100vw - 40px);background:var(--o-bg);border:1px solid var(--o-line);border-radius:14px;box-shadow:0 8px 28px rgba(0,0,0,.16);padding:14px 16px;position:relative;animation:o-in .25s ease-out}
.card h2{font-size:15px;margin:0 24px 4px 0;font-weight:600}
.card p{margin:0 0 8px;color:#323a46;white-space:pre-wrap;overflow-wrap:anywhere}
.card a{color:var(--o-accent);font-weight:600}
.x{position:absolute;top:6px;right:6px;width:28px;height:28px;border:0;border-radius:50%;background:transparent;color:var(--o-muted);font-size:18px;line-height:1}
.x:hover{background:#f1f3f5}
.who{display:flex;align-items:center;gap:10px;margin-bottom:8px}
.av{width:36px;height:36px;border-radius:50%;background:#e4efe9;color:var(--o-accent);display:grid;place-items:center;font-weight:700;overflow:hidden;flex:none}
.av img{width:100%;height:100%;object-fit:cover}
[data-part=operator-name]{font-weight:600}
.sub{font-size:12px;color:var(--o-muted)}
.row{display:flex;gap:8px;flex-wrap:wrap}
.btn{border-radius:8px;padding:7px 14px;border:1px solid var(--o-accent);background:var(--o-accent);color:#fff;font-weight:600}
.btn.ghost{background:transparent;color:var(--o-accent)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@keyframes o-in{from{opacity:0;transform:translateY(8px)}to{opacity:1;transform:none}}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}
`;
