/** The gallery's Slack look, shared with the preview page. */
export const CSS = `
body{margin:0;background:#fff;font:15px/1.46668 "Lato","Noto Sans","Helvetica Neue",Arial,"Noto Color Emoji",sans-serif;color:#1d1c1d}
.page{max-width:860px;padding:20px 24px}
h1{font-size:13px;color:#616061;font-weight:700;text-transform:uppercase;letter-spacing:.04em;margin:0 0 12px}
.message{display:flex;gap:8px;padding:8px 0}
.avatar{flex:0 0 36px;height:36px;border-radius:6px;background:#4a154b;color:#fff;font-weight:900;display:flex;align-items:center;justify-content:center}
.body{flex:1;min-width:0}
.meta{margin-bottom:2px}.meta .app{font-size:10px;background:#e8e8e8;color:#616061;padding:1px 3px;border-radius:2px;font-weight:700}.meta .time{color:#616061;font-size:12px}
.header{font-size:18px;font-weight:900;margin:4px 0 6px}
.section{margin:4px 0 8px;word-wrap:break-word}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:8px 16px;margin-top:4px}
.context{color:#616061;font-size:12px;margin:4px 0 8px}.context span+span{margin-left:14px}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.btn,.select{display:inline-block;border:1px solid #c7c7c7;border-radius:4px;padding:3px 12px;font-size:14px;font-weight:700;color:#1d1c1d;text-decoration:none;background:#fff;line-height:22px}
.btn.primary{background:#007a5a;border-color:#007a5a;color:#fff}.btn.danger{background:#e01e5a;border-color:#e01e5a;color:#fff}
.select{font-weight:400;color:#616061;min-width:140px}.select .caret{float:right}
.btn.overflow{padding:3px 9px}
a{color:#1264a3;text-decoration:none}
code{font:12px Monaco,Menlo,Consolas,"Courier New",monospace;color:#c01343;background:#f8f8f8;border:1px solid #e8e8e8;border-radius:3px;padding:1px 3px}
pre{font:12px/1.5 Monaco,Menlo,Consolas,"Courier New",monospace;background:#f8f8f8;border:1px solid #e8e8e8;border-radius:4px;padding:8px;margin:4px 0;white-space:pre;overflow:hidden}
blockquote{margin:4px 0;padding-left:12px;border-left:4px solid #dddddd}
.date{color:inherit}
hr{border:0;border-top:1px solid #e8e8e8}
.thread{margin:8px 0 0 44px;padding-left:12px;border-left:2px solid #e8e8e8}
.menu{margin:-4px 0 8px 48px;width:300px;border:1px solid #dddddd;border-radius:6px;box-shadow:0 4px 12px rgba(0,0,0,.12);padding:6px 0;background:#fff}
.menu-group{color:#616061;font-size:12px;font-weight:700;padding:6px 16px 2px}
.menu-option{padding:4px 16px;font-size:14px}
.thread .label{color:#1264a3;font-size:13px;font-weight:700;margin:4px 0}
`;
