/** The one stylesheet of Handshake's pages, inlined and allowed by its hash in the CSP. */
export const STYLESHEET = `
:root{color-scheme:light dark;--bg:#f4f5f8;--card:#fff;--text:#1d2330;--muted:#5b6475;--line:#dde1e8;--accent:#2563eb;--accent-text:#fff;--ok:#15803d;--bad:#b91c1c}
@media (prefers-color-scheme:dark){:root{--bg:#10131a;--card:#181c25;--text:#e6e9ef;--muted:#9aa3b2;--line:#2a303c;--accent:#4f8cff;--ok:#4ade80;--bad:#f87171}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:16px;padding:24px;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.card{width:100%;max-width:440px;background:var(--card);border:1px solid var(--line);border-radius:14px;padding:32px;box-shadow:0 8px 30px rgba(0,0,0,.06)}
.logo{display:block;width:48px;height:48px;object-fit:contain;margin:0 0 12px}
.eyebrow{margin:0 0 4px;color:var(--muted);font-size:14px;letter-spacing:.02em}
h1{margin:0 0 12px;font-size:22px;line-height:1.3}
p{margin:0 0 16px}
.muted{color:var(--muted);font-size:14px}
.badge{display:inline-block;width:40px;height:40px;border-radius:50%;margin-bottom:16px;text-align:center;line-height:40px;font-weight:700;color:var(--accent-text);background:var(--accent)}
.badge.ok{background:var(--ok);color:#fff}.badge.bad{background:var(--bad);color:#fff}
form{margin:20px 0 0}
label{display:block;font-weight:600;font-size:14px;margin:0 0 4px}
.req{color:var(--bad);margin-left:2px}
.hint{display:block;color:var(--muted);font-size:13px;margin:0 0 6px}
input,textarea{width:100%;padding:10px 12px;border:1px solid var(--line);border-radius:8px;background:transparent;color:inherit;font:inherit}
input:focus,textarea:focus{outline:2px solid var(--accent);outline-offset:1px}
.field{margin:0 0 16px}
.field.invalid input,.field.invalid textarea{border-color:var(--bad)}
.error{color:var(--bad);font-size:13px;margin:4px 0 0}
.alert{border:1px solid var(--bad);color:var(--bad);border-radius:8px;padding:10px 12px;margin:0 0 16px;font-size:14px}
.alert p{margin:0}.alert ul{margin:6px 0 0;padding-left:20px}.alert a{color:inherit}
select{width:100%;padding:10px 12px;border:1px solid var(--line);border-radius:8px;background:var(--card);color:inherit;font:inherit}
select:focus{outline:2px solid var(--accent);outline-offset:1px}
.field.invalid select{border-color:var(--bad)}
fieldset{border:0;padding:0;min-width:0}
legend{display:block;font-weight:600;font-size:14px;margin:0 0 4px;padding:0}
.choice{display:flex;align-items:center;gap:8px;font-weight:400;font-size:15px;margin:0 0 6px}
.choice input{width:auto;margin:0;accent-color:var(--accent)}
h2{margin:24px 0 12px;font-size:17px}
button{width:100%;padding:12px;border:0;border-radius:8px;background:var(--accent);color:var(--accent-text);font:inherit;font-weight:600;cursor:pointer}
button:hover{filter:brightness(1.08)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px;background:var(--bg);padding:1px 5px;border-radius:4px}
footer{color:var(--muted);font-size:12px}
`;
