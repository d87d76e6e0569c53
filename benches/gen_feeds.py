#!/usr/bin/env python3
"""Generate N feeds x M items of Arabic news-style RSS/Atom for rasd's poll benchmark.

Deterministic for a given --seed. Some feeds are Atom, some windows-1256, some carry HTML
descriptions, so every decoding path is exercised. Stdlib only.
"""
import argparse
import os
import random
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

SENTENCES = [
    "أعلن حلف شمال الأطلسي زيادة عدد قواته في العراق من 500 إلى 4000 عنصر.",
    "قال الأمين العام للناتو ينس ستولتنبرغ إن المهمة تدريبية وغير قتالية.",
    "صوّت البرلمان العراقي على قرار يطالب بإخراج القوات الأجنبية من البلاد.",
    "رئيس الوزراء مصطفى الكاظمي بحث مع الرئيس الأمريكي جو بايدن ملف الانسحاب.",
    "وتتهم فصائل عراقية واشنطن بالالتفاف على قرار مجلس النواب.",
    "ارتفعت أسعار النفط بعد قرار أوبك بلس خفض الإنتاج للشهر الثالث على التوالي.",
    "دعت المفوضية العليا المستقلة للانتخابات إلى المشاركة الواسعة في الاقتراع المقبل.",
    "وأكدت الخارجية الإيرانية أن طهران لن تقبل بأي شروط جديدة في المحادثات النووية.",
    "شهدت العاصمة بغداد احتجاجات واسعة للمطالبة بتحسين الخدمات ومكافحة الفساد.",
    "قالت وزارة الخارجية الصينية إن بكين تتابع التطورات في المنطقة باهتمام.",
    "وصل وزير الخارجية التركي إلى أنقرة قادماً من الدوحة بعد جولة خليجية.",
    "تَشهدُ المنطقةُ توتراً متصاعداً بعد الهجمات الأخيرة على القواعد العسكرية.",
    "أفادت مصادر محلية بسقوط ٣ قتلى و١٢ جريحاً في انفجار عبوة ناسفة.",
    "ويرى محللون أن «الحوار الاستراتيجي» بين بغداد وواشنطن لم يحقق نتائجه.",
    "The statement was issued in English by the NATO press office in Brussels.",
]

def text(rng, words):
    out, n = [], 0
    while n < words:
        s = rng.choice(SENTENCES)
        out.append(s)
        n += len(s.split())
    return " ".join(out)

def rss_item(rng, f, i, when, html):
    body = text(rng, rng.randint(150, 600))
    desc = f"<p>{escape(body)}</p>" if html else body
    return (f"<item><title>{escape(text(rng, 8)[:120])}</title>"
            f"<link>http://127.0.0.1/{f}/{i}</link><guid>feed-{f}-item-{i}</guid>"
            f"<pubDate>{when.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
            f"<description>{escape(desc)}</description></item>")

def atom_entry(rng, f, i, when):
    return (f"<entry><title>{escape(text(rng, 8)[:120])}</title><id>urn:feed-{f}:{i}</id>"
            f"<link href=\"http://127.0.0.1/{f}/{i}\"/><updated>{when.isoformat()}</updated>"
            f"<summary>{escape(text(rng, rng.randint(150, 600)))}</summary></entry>")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("-n", type=int, default=500)
    ap.add_argument("-m", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--base-url", default="http://127.0.0.1:8799")
    ap.add_argument("--extra", type=int, default=0, help="extra items per feed (a later round)")
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "feeds"), exist_ok=True)
    base = datetime(2026, 12, 1, tzinfo=timezone.utc)
    urls = []
    for f in range(a.n):
        rng = random.Random(a.seed * 100003 + f)
        atom = f % 7 == 1
        cp1256 = f % 50 == 2
        count = a.m + a.extra
        items = [base + timedelta(minutes=17 * i) for i in range(count)]
        if atom:
            body = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                    f"<title>منفذ {f}</title><id>urn:feed-{f}</id><updated>{base.isoformat()}</updated>"
                    + "".join(atom_entry(rng, f, i, w) for i, w in enumerate(items)) + "</feed>")
        else:
            enc = "windows-1256" if cp1256 else "utf-8"
            body = (f'<?xml version="1.0" encoding="{enc}"?><rss version="2.0"><channel>'
                    f"<title>منفذ {f}</title><link>http://127.0.0.1/{f}</link><description>d</description>"
                    + "".join(rss_item(rng, f, i, w, f % 3 == 0) for i, w in enumerate(items))
                    + "</channel></rss>")
        data = body.encode("cp1256", errors="replace") if cp1256 else body.encode("utf-8")
        name = f"feed-{f:05d}.xml"
        with open(os.path.join(a.out, "feeds", name), "wb") as fh:
            fh.write(data)
        urls.append(f"{a.base_url}/feeds/{name}")
    with open(os.path.join(a.out, "feeds.txt"), "w") as fh:
        fh.write("\n".join(urls) + "\n")

if __name__ == "__main__":
    main()
