/** The chat panel's styles (added to the shadow root when the panel first loads). */
export const CHAT_CSS = `
[data-part=panel]{width:360px;max-width:calc(100vw - 40px);height:540px;max-height:calc(100vh - 110px);background:var(--o-bg);border:1px solid var(--o-line);border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.22);display:flex;flex-direction:column;overflow:hidden;animation:o-fade .2s ease-out}
@keyframes o-fade{from{opacity:0}to{opacity:1}}
[data-part=panel][hidden]{display:none}
header{display:flex;align-items:center;gap:8px;padding:12px 14px;background:var(--o-accent);color:#fff}
header h2{font-size:15px;margin:0;flex:1;font-weight:600}
header .x{position:static;color:#fff}
header .x:hover{background:rgba(255,255,255,.15)}
.state{font-size:12px;opacity:.85}
.log{list-style:none;margin:0;padding:12px;flex:1;overflow-y:auto;display:flex;flex-direction:column;gap:8px;overscroll-behavior:contain}
.log li{display:flex;flex-direction:column;max-width:85%}
.log li[data-author=customer]{align-self:flex-end;align-items:flex-end}
.log li[data-author=system]{align-self:center;max-width:100%;color:var(--o-muted);font-size:12px;text-align:center}
.bubble{padding:8px 12px;border-radius:14px;background:#f0f2f4;overflow-wrap:anywhere}
[data-author=customer] .bubble{background:var(--o-accent);color:#fff}
[data-author=customer] .bubble a{color:#fff}
[data-author=system] .bubble{background:transparent;padding:2px}
.bubble p{margin:0}.bubble p+p,.bubble ul,.bubble ol,.bubble pre{margin:6px 0 0}
.bubble ul,.bubble ol{padding-left:20px}
.bubble code,.bubble pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;background:rgba(0,0,0,.07);border-radius:4px;padding:0 3px}
.bubble pre{padding:6px;white-space:pre-wrap}
.bubble a{color:var(--o-accent)}
.name,.meta{font-size:11.5px;color:var(--o-muted);margin:2px 4px}
.meta.failed{color:#c8372d}
.files{display:flex;flex-direction:column;gap:4px;margin-top:4px}
.files img{max-width:220px;max-height:180px;border-radius:8px;display:block}
.greet{display:flex;gap:10px;align-items:flex-start;padding:10px 12px;border-bottom:1px solid var(--o-line)}
.greet .bubble{flex:1}
[data-part=typing]{padding:0 14px 6px;font-size:12px;color:var(--o-muted);font-style:italic}
[data-part=csat],[data-part=offline]{margin:8px 12px;padding:10px 12px;border:1px solid var(--o-line);border-radius:12px;background:#fafbfc}
[data-part=csat] p,[data-part=offline] p{margin:0 0 8px}
[data-part=csat] .row button{width:40px;height:36px;border-radius:8px;border:1px solid var(--o-line);background:#fff;font-weight:600}
[data-part=csat] .row button:hover{border-color:var(--o-accent)}
[data-part=offline] form{display:flex;gap:6px}
input[type=email]{flex:1;min-width:0;font:inherit;padding:6px 8px;border:1px solid #c9ced6;border-radius:8px}
[data-part=composer]{display:flex;align-items:flex-end;gap:6px;padding:10px;border-top:1px solid var(--o-line)}
[data-part=composer] textarea{flex:1;resize:none;font:inherit;border:1px solid #c9ced6;border-radius:10px;padding:8px 10px;max-height:120px;min-height:40px;color:inherit;background:#fff}
.icon{width:38px;height:38px;border-radius:10px;border:1px solid var(--o-line);background:#fff;color:var(--o-muted);font-size:18px;flex:none}
[data-action=send]{height:40px}
input[type=file]{display:none}
@media (max-width:480px){[data-part=panel]{height:calc(100vh - 110px)}}
`;
