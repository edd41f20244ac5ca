#!/usr/bin/env python3
"""Writes the search fixture site (docs/) and the graded dev set (devset.tsv) from the
hand-written tables in tables.txt and queries.txt. Deterministic; run it from anywhere:

    python3 tests/sites/search/gen.py

Every tool gets the links a real learning site lists for it (docs, getting started, a tutorial,
a cheat sheet, its source, a video, best practices, labs, a book). One tool in three is listed
under its own bold heading with generic titles ("Official Documentation"), so only the heading
names it: the context case. `also` lines list a tool's docs and tutorial again under other
titles (one resource, several titles). Every page ends with the same community banner."""
import os, re, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = "https://learn.example.dev/docs"
BANNER_ITEM = "Questions? Join the Learn Example Discord and ask in the help channel"
BANNER_LINK = ("Join our Discord", "https://discord.gg/learnexample", "Meet other learners and study partners")

KINDS = [
    # kind, title, generic title, url, description, generic description
    ("docs", "{n} Documentation", "Official Documentation", "https://{d}/", "{w}", "Reference manual, concepts and API"),
    ("start", "Getting Started with {n}", "Getting Started Guide", "https://{d}/getting-started", "Install {n} and run a first example", "Install it and run a first example"),
    ("tut", "{n} Tutorial for Beginners", "Beginner Tutorial", "https://tutorials.example.net/{i}-for-beginners", "Step-by-step introduction with exercises", "Step-by-step introduction with exercises"),
    ("cheat", "{n} Cheat Sheet", "Cheat Sheet", "https://cheatsheets.example.org/{i}", "The most used commands and options on one page", "The most used commands and options on one page"),
    ("gh", "{n} on GitHub", "Source Code", "https://github.com/{i}/{i}", "Source, issues and releases", "Source, issues and releases"),
    ("video", "{n} Crash Course", "Video Crash Course", "https://videos.example.com/watch/{i}-crash-course", "A one-hour video walkthrough", "A one-hour video walkthrough"),
    ("best", "{n} Best Practices", "Best Practices", "https://{d}/best-practices", "Patterns and pitfalls from real projects", "Patterns and pitfalls from real projects"),
    ("lab", "{n} Hands-on Labs", None, "https://labs.example.io/{i}", "Practice in a browser sandbox", None),
    ("book", "Learning {n}", None, "https://books.example.com/learning-{i}", "A hands-on book from first steps to production", None),
]
PREREQS = {
    "cloud": [("Linux Command Line Basics", "https://linuxjourney.example.com/", "Files, permissions and processes"),
              ("Networking for Cloud Engineers", "https://net.example.com/cloud-networking", "IP addresses, subnets, DNS and routing"),
              ("Python for Beginners", "https://python.example.com/beginners", "Enough Python to write automation scripts")],
    "mlops": [("Mathematics for Machine Learning", "https://books.example.com/mml", "Linear algebra, calculus and probability"),
              ("Python for Beginners", "https://python.example.com/beginners", "Enough Python to write automation scripts"),
              ("Statistics Crash Course", "https://stats.example.com/crash-course", "Distributions, hypothesis tests and regression")],
    "security": [("Linux Command Line Basics", "https://linuxjourney.example.com/", "Files, permissions and processes"),
                 ("Networking for Cloud Engineers", "https://net.example.com/cloud-networking", "IP addresses, subnets, DNS and routing")],
}
PREREQ_ITEMS = ["Comfort with a terminal and a text editor", "Basic programming in one language",
                "Time: about 10 hours a week"]


def slug(s):
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def read_tables():
    tracks, tools = [], {}
    for raw in open(os.path.join(HERE, "tables.txt"), encoding="utf-8"):
        line = raw.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        f = rest.split("|")
        if word == "track":
            tracks.append({"slug": f[0], "label": f[1], "desc": f[2], "prereq": False, "modules": []})
        elif word == "prereq":
            tracks[-1]["prereq"] = True
        elif word == "module":
            tracks[-1]["modules"].append({"n": int(f[0]), "title": f[1], "weeks": f[2], "focus": f[3], "sections": []})
        elif word == "section":
            tracks[-1]["modules"][-1]["sections"].append({"title": rest, "topics": []})
        elif word == "topic":
            tracks[-1]["modules"][-1]["sections"][-1]["topics"].append({"title": rest, "entries": []})
        else:
            sec = tracks[-1]["modules"][-1]["sections"][-1]
            if not sec["topics"]:
                sec["topics"].append({"title": None, "entries": []})
            if word == "tool":
                t = {"id": f[0], "name": f[1], "domain": f[2], "what": f[3], "generic": len(tools) % 3 == 1}
                tools[f[0]] = t
                sec["topics"][-1]["entries"].append(("tool", t))
            elif word == "also":
                sec["topics"][-1]["entries"].append(("also", f[0], f[1], f[2]))
            elif word == "article":
                sec["topics"][-1]["entries"].append(("article", f[0], f[1], f[2]))
            else:
                raise SystemExit(f"tables.txt: unknown line {line!r}")
    return tracks, tools


def tool_link(t, kind, generic=None):
    g = t["generic"] if generic is None else generic
    for k, title, gtitle, url, desc, gdesc in KINDS:
        if k == kind:
            fill = dict(n=t["name"], d=t["domain"], i=t["id"], w=t["what"])
            use_g = g and gtitle is not None
            return ((gtitle if use_g else title).format(**fill), url.format(**fill),
                    (gdesc if use_g else desc).format(**fill))
    raise KeyError(kind)


def bullet(depth, text):
    return "  " * depth + "- " + text


def link_line(depth, title, url, desc):
    return bullet(depth, f"[{title}]({url}) - {desc}")


def banner():
    return ["", "## Community", bullet(0, BANNER_ITEM), link_line(0, *BANNER_LINK), ""]


def write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines).rstrip() + "\n")


def module_page(tr, m, urls, tools_at):
    lines = ["---", f"title: 'Module {m['n']}: {m['title']}'", f"sidebar_position: {m['n'] + 1}", "---", "",
             f"# Module {m['n']}: {m['title']}", "",
             f"{m['focus']}. Plan for {m['weeks']}; every topic lists the links we found most useful.", ""]
    later = []
    for s in m["sections"]:
        lines += [f"## {s['title']}", ""]
        for tp in s["topics"]:
            d = 0
            if tp["title"]:
                lines.append(bullet(0, f"**{tp['title']}**"))
                d = 1
            for e in tp["entries"]:
                if e[0] == "article":
                    lines.append(link_line(d, e[1], e[2], e[3]))
                    urls.append(e[2])
                elif e[0] == "also":
                    t = TOOLS[e[1]]
                    for kind, title in (("docs", e[2]), ("tut", e[3])):
                        _, url, desc = tool_link(t, kind, False)
                        lines.append(link_line(d, title, url, desc))
                        urls.append(url)
                else:
                    t = e[1]
                    tools_at.setdefault(t["id"], (tr["slug"], m["n"]))
                    dd = d
                    if t["generic"]:
                        lines.append(bullet(d, f"**{t['name']}**"))
                        dd = d + 1
                        lines.append(bullet(dd, f"{t['what']}."))
                    elif len(TOOLS_ORDER) and TOOLS_ORDER.index(t["id"]) % 7 == 3:
                        # An item that repeats the docs link's title (not a second hit).
                        lines.append(bullet(dd, tool_link(t, "docs", False)[0]))
                    for kind in ("docs", "start", "tut", "cheat", "gh", "video", "best"):
                        title, url, desc = tool_link(t, kind)
                        lines.append(link_line(dd, title, url, desc))
                        urls.append(url)
                    later.append(t)
        lines.append("")
    lines += ["## Practice and Further Reading", "", bullet(0, "**Hands-on Labs**")]
    for t in later:
        title, url, desc = tool_link(t, "lab")
        lines.append(link_line(1, title, url, desc))
        urls.append(url)
    lines.append(bullet(0, "**Books**"))
    for t in later:
        title, url, desc = tool_link(t, "book")
        lines.append(link_line(1, title, url, desc))
        urls.append(url)
    return lines + banner()


def main():
    global TOOLS, TOOLS_ORDER
    tracks, TOOLS = read_tables()
    TOOLS_ORDER = list(TOOLS)
    docs = os.path.join(HERE, "docs")
    shutil.rmtree(docs, ignore_errors=True)
    write(os.path.join(docs, "intro.md"), ["---", "slug: /", "title: Welcome to Learn Example", "---", "",
          "# Welcome to Learn Example", "", "Free learning tracks written by the community.", "", "## Tracks", ""]
          + [bullet(0, f"[{t['label']}](./{i + 1:02d}-{t['slug']}/index.md) - {t['desc']}") for i, t in enumerate(tracks)]
          + banner())
    write(os.path.join(HERE, "docusaurus.config.ts"), [
        "import type {Config} from '@docusaurus/types';", "",
        "// The search fixture site (tests/sites/search/gen.py writes it from tables.txt).",
        "const config: Config = {", "  title: 'Learn Example',", "  url: 'https://learn.example.dev',",
        "  baseUrl: '/',", "  presets: [['classic', {docs: {routeBasePath: 'docs'}}]],", "};", "",
        "export default config;"])
    urls, pages, tools_at = [], {}, {}
    for i, tr in enumerate(tracks):
        folder = os.path.join(docs, f"{i + 1:02d}-{tr['slug']}")
        write(os.path.join(folder, "_category_.json"), ["{", f'  "label": "{tr["label"]}",',
              f'  "position": {i + 2}', "}"])
        ov = ["---", f"title: {tr['label']} Overview", "sidebar_position: 1", "---", "",
              f"# {tr['label']} Overview", "", tr["desc"], "", "## Learning Path", "", bullet(0, "**Modules**")]
        for m in tr["modules"]:
            f = f"{m['n']:02d}-{slug(m['title'])}.md"
            ov.append(bullet(1, f"Module {m['n']}: [{m['title']}](./{f}) ({m['weeks']}) - {m['focus']}"))
            pages[f"m:{tr['slug']}:{m['n']}"] = f"{BASE}/{tr['slug']}/{slug(m['title'])}"
            write(os.path.join(folder, f), module_page(tr, m, urls, tools_at))
        pages[f"o:{tr['slug']}"] = f"{BASE}/{tr['slug']}/"
        if tr["prereq"]:
            ov += ["", "Before Module 1, read the [prerequisites](./00-prerequisites.md)."]
            pl = ["---", f"title: {tr['label']} Prerequisites", "sidebar_position: 1", "---", "",
                  f"# {tr['label']} Prerequisites", "", "## What You Should Know First", ""]
            pl += [bullet(0, x) for x in PREREQ_ITEMS]
            pl += ["", "## Catch-up Reading", ""] + [link_line(0, *x) for x in PREREQS[tr["slug"]]]
            urls += [x[1] for x in PREREQS[tr["slug"]]]
            write(os.path.join(folder, "00-prerequisites.md"), pl + banner())
            pages[f"p:{tr['slug']}"] = f"{BASE}/{tr['slug']}/prerequisites"
        write(os.path.join(folder, "index.md"), ov + banner())
    urls.append(BANNER_LINK[1])
    print(f"{len(tracks)} tracks, {len(urls)} links listed, {len(set(urls))} distinct URLs")
    devset(tracks, pages, tools_at)


def articles(tracks):
    out = {}
    for tr in tracks:
        for m in tr["modules"]:
            for s in m["sections"]:
                for tp in s["topics"]:
                    for e in tp["entries"]:
                        if e[0] == "article":
                            out[e[1]] = e[2]
    for xs in PREREQS.values():
        for t, u, _ in xs:
            out[t] = u
    return out


def resolve(ref, arts, pages):
    if ref.startswith("t:"):
        parts = ref[2:].split(":")
        t = TOOLS[parts[0]]
        kinds = parts[1].split(",") if len(parts) > 1 else [k[0] for k in KINDS]
        return [tool_link(t, k)[1] for k in kinds]
    if ref.startswith("a:"):
        hits = [u for title, u in arts.items() if ref[2:] in title]
        if len(hits) != 1:
            raise SystemExit(f"queries.txt: {ref!r} names {len(hits)} articles")
        return hits
    if ref in pages:
        return [pages[ref]]
    raise SystemExit(f"queries.txt: unknown reference {ref!r}")


def devset(tracks, pages, tools_at):
    arts = articles(tracks)
    rows = ["# query\tcause\ttrack (slug, - for none)\tacceptable URLs (space-separated; a hit's URL matches with or without its #anchor)"]
    n = 0
    for raw in open(os.path.join(HERE, "queries.txt"), encoding="utf-8"):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        q, cause, track, refs = [x.strip() for x in line.split("|")]
        urls = []
        for r in re.split(r"\s+(?=[tapmo]:)", refs):
            for u in resolve(r, arts, pages):
                if u not in urls:
                    urls.append(u)
        rows.append(f"{q}\t{cause}\t{track or '-'}\t{' '.join(urls)}")
        n += 1
    write(os.path.join(HERE, "devset.tsv"), rows)
    print(f"{n} dev set queries")


if __name__ == "__main__":
    main()
