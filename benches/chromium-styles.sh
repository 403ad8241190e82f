#!/usr/bin/env bash
# Holds the cascade to a browser: for every link of the HTML files under DIR, compares the
# colour, font size, visibility and nearest background campaign-lint computes with what
# headless Chromium computes (a 1024×768 window, so desktop media queries apply), and
# prints the agreement and every difference.
#
#   bash benches/chromium-styles.sh DIR [--unsub]     (--unsub: only opt-out links)
#
# Needs Debian's `chromium` (apt-get install chromium). Files Chromium cannot load or that
# are not UTF-8 are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
only=${2:-}
cargo build --release --quiet --example link_styles
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find "$dir" -name '*.html' | sort > "$work/files"
xargs -d '\n' "${CARGO_TARGET_DIR:-target}/release/examples/link_styles" < "$work/files" > "$work/ours.jsonl"
python3 - "$work" "$only" <<'PY'
import collections, hashlib, html, json, re, subprocess, sys
work, only = sys.argv[1], sys.argv[2] == "--unsub"
# Injected at the end of each page: the computed style of each link's first piece of text,
# and the nearest ancestor with a background colour or image.
JS = r"""<script>(function(){
 const out=[];
 function rgb(c){ const m=c.match(/rgba?\(([^)]+)\)/); if(!m) return null; const p=m[1].split(/[ ,\/]+/).filter(x=>x).map(s=>parseFloat(s)); return [p[0],p[1],p[2],p.length>3?p[3]:1]; }
 for (const a of document.querySelectorAll('a, unsubscribe')) {
   if (a.parentElement && a.parentElement.closest('a')) continue;
   const w=document.createTreeWalker(a, NodeFilter.SHOW_TEXT); let t, el=null;
   while((t=w.nextNode())){ if(t.data.trim()){ el=t.parentElement; break; } }
   if(!el) continue;
   const cs=getComputedStyle(el);
   let bg=null, n=el;
   while(n && n.nodeType===1){ const c=getComputedStyle(n); if(c.backgroundImage && c.backgroundImage!=='none'){bg='image';break;} const p=rgb(c.backgroundColor); if(p && p[3]>0){bg=p;break;} n=n.parentElement; }
   out.push({text:a.textContent.trim().replace(/\s+/g,' ').slice(0,40), color:rgb(cs.color), px:parseFloat(cs.fontSize), bg:bg, visible: el.checkVisibility({opacityProperty:true, visibilityProperty:true})});
 }
 const pre=document.createElement('pre'); pre.id='__out'; pre.textContent=JSON.stringify(out); document.documentElement.appendChild(pre);
})();</script>"""
ours = collections.defaultdict(list)
for line in open(f"{work}/ours.jsonl"):
    d = json.loads(line)
    ours[d["file"]].append(d)
def hx(c):
    return "#%02x%02x%02x" % tuple(int(round(x)) for x in c[:3])
def key(t):
    return t.strip()[:20].lower().replace(" ", "")
stats, diffs = collections.Counter(), []
for path in open(f"{work}/files").read().split("\n"):
    if not path:
        continue
    try:
        page = open(path, encoding="utf-8").read()
    except (OSError, UnicodeDecodeError):
        continue
    tmp = f"{work}/{hashlib.md5(path.encode()).hexdigest()}.html"
    open(tmp, "w").write(page + JS)
    p = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        "--window-size=1024,768", "--host-resolver-rules=MAP * ~NOTFOUND",
                        "--virtual-time-budget=2000", "--dump-dom", "file://" + tmp],
                       capture_output=True, text=True, timeout=60)
    m = re.search(r'<pre id="__out">(.*?)</pre>', p.stdout, re.S)
    if not m:
        continue
    mine = ours[path]
    for c in json.loads(html.unescape(m.group(1))):
        if only and not any(w in c["text"].lower() for w in ("unsub", "opt out", "preferences")):
            continue
        o = next((o for o in mine if key(o["text"]) == key(c["text"]) and not o.get("used")), None)
        if o is None:
            stats["unmatched"] += 1
            continue
        o["used"] = True
        stats["links"] += 1
        bg = "image" if c["bg"] == "image" else hx(c["bg"]) if c["bg"] else "#ffffff"
        for what, theirs, mine_ in [("colour", hx(c["color"]), o["color"]),
                                    ("font size", c["px"], o["px"]),
                                    ("background", bg, o["bg"]),
                                    ("visible", c["visible"], not o["hidden"])]:
            same = abs(theirs - mine_) < 0.6 if what == "font size" else theirs == mine_
            stats[f"{what} agrees" if same else f"{what} differs"] += 1
            if not same:
                diffs.append(f"{what}: {path} {c['text'][:30]!r}: chromium {theirs}, campaign-lint {mine_}")
for k in sorted(stats):
    print(f"{k:24} {stats[k]}")
print("\n".join(diffs))
PY
